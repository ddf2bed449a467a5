from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/<str:action>/", views.alert_act, name="alert-act"),
    path("settings/alert-rules/", views.rule_list, name="alert-rules"),
    path("settings/alert-rules/<int:pk>/", views.rule_edit, name="alert-rule"),
    path("settings/alert-rules/<int:pk>/evaluate/", views.rule_evaluate, name="alert-rule-evaluate"),
]
