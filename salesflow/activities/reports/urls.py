"""Pages of work reports under /activities/reports/."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/today/", views.report_today, name="report-today"),
    path("reports/open/", views.report_open, name="report-open"),
    path("reports/team/", views.report_team, name="report-team"),
    path("reports/settings/", views.report_settings, name="report-settings"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/comment/", views.report_comment, name="report-comment"),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report-delete"),
]
