from django.urls import path

from . import review_views, views

urlpatterns = [
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
    path("settings/report-subscriptions/", views.subscription_list, name="report-subscriptions"),
    path("settings/report-subscriptions/new/", views.subscription_edit, name="report-subscription-new"),
    path("settings/report-subscriptions/<int:pk>/", views.subscription_edit, name="report-subscription-edit"),
    path("settings/report-subscriptions/<int:pk>/delete/", views.subscription_delete,
         name="report-subscription-delete"),
    *review_views.urlpatterns,
]
