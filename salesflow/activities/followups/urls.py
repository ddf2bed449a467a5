"""Pages of follow-up records under /activities/followups/."""

from django.urls import path

from . import views

urlpatterns = [
    path("followups/", views.followup_list, name="followup-list"),
    path("followups/new/", views.followup_create, name="followup-create"),
    path("followups/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("followups/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("followups/<int:pk>/delete/", views.activity_delete, name="activity-delete"),
]
