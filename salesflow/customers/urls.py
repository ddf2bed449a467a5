from django.urls import path

from . import settings_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_edit, name="new"),
    path("pool/", views.pool, name="pool"),
    path("settings/", settings_views.customer_settings, name="settings"),
    path("contacts/", views.contact_list, name="contacts"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("views/", views.save_view, name="save_view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/return/", views.return_to_pool, name="return"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:customer_pk>/contacts/new/", views.contact_edit, name="contact_new"),
    path("<int:customer_pk>/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
]
