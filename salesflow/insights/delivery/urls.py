from django.urls import path

from . import views

urlpatterns = [
    path("settings/channels/", views.channel_list, name="channels"),
    path("settings/channels/new/", views.channel_edit, name="channel-new"),
    path("settings/channels/<int:pk>/", views.channel_detail, name="channel"),
    path("settings/channels/<int:pk>/edit/", views.channel_edit, name="channel-edit"),
    path("settings/channels/<int:pk>/test/", views.channel_test, name="channel-test"),
    path("settings/deliveries/", views.delivery_list, name="deliveries"),
    path("settings/deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery-retry"),
]
