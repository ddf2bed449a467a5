from django.urls import path

from . import settings_views, views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.inbox, {"tab": "mine"}, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("rules/", settings_views.rule_list, name="rules"),
    path("rules/new/", settings_views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", settings_views.rule_edit, name="rule_edit"),
]
