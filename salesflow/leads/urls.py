from django.urls import path

from . import settings_views, views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_edit, name="new"),
    path("inbound/", views.inbound, name="inbound"),
    path("settings/", settings_views.lead_settings, name="settings"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/status/", views.lead_status, name="status"),
    path("<int:pk>/convert/", views.lead_convert, name="convert"),
    path("<int:pk>/merge/", views.lead_merge, name="merge"),
    path("<int:pk>/assign/", views.lead_assign, name="assign"),
]
