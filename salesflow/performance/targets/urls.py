"""Target pages under /performance/targets/."""

from django.urls import path

from . import views

urlpatterns = [
    path("targets/", views.plan_list, name="target-plans"),
    path("targets/new/", views.plan_create, name="target-plan-create"),
    path("targets/<int:pk>/", views.plan_detail, name="target-plan"),
    path("targets/<int:pk>/split/", views.plan_split, name="target-plan-split"),
    path("targets/<int:pk>/by-hand/", views.plan_by_hand, name="target-plan-by-hand"),
    path("targets/<int:pk>/cell/", views.plan_set_cell, name="target-plan-cell"),
    path("targets/<int:pk>/propose/", views.plan_propose, name="target-plan-propose"),
    path("targets/<int:pk>/dimension-split/", views.plan_dimension_split, name="target-plan-dimension-split"),
    path("targets/<int:pk>/sign-off/", views.plan_sign_off, name="target-plan-sign-off"),
    path("targets/<int:pk>/approve/", views.plan_approve, name="target-plan-approve"),
    path("targets/<int:pk>/revise/", views.plan_revise, name="target-plan-revise"),
    path("targets/<int:pk>/roll-up/", views.plan_roll_up, name="target-plan-roll-up"),
    path("targets/completion/", views.completion, name="target-completion"),
    path("targets/completion/settings/", views.completion_settings, name="target-completion-settings"),
]
