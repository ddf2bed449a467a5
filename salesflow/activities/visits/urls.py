"""Pages of visit plans (namespace ``activities:``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("visits/", views.plan_list, name="visit-list"),
    path("visits/new/", views.plan_new, name="visit-create"),
    path("visits/<int:pk>/", views.plan_detail, name="visit-detail"),
    path("visits/<int:pk>/edit/", views.plan_edit, name="visit-edit"),
    path("visits/<int:pk>/check-in/", views.plan_check_in, name="visit-check-in"),
    path("visits/<int:pk>/record/", views.plan_record, name="visit-record"),
    path("visits/<int:pk>/cancel/", views.plan_cancel, name="visit-cancel"),
]
