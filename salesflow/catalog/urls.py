from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.products, name="products"),
    path("price-lists/", views.price_lists, name="price_lists"),
    path("price-lists/new/", views.price_list_edit, name="price_list_new"),
    path("price-lists/<int:pk>/", views.price_list_edit, name="price_list_edit"),
    path("discount-limits/", views.discount_limits, name="discount_limits"),
]
