"""Pages of the commission concept (namespace ``performance:``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("commission/plans/", views.plan_list, name="commission-plans"),
    path("commission/plans/new/", views.plan_edit, name="commission-plan-new"),
    path("commission/plans/<int:pk>/", views.plan_edit, name="commission-plan-edit"),
    path("commission/plans/<int:pk>/what-if/", views.plan_whatif, name="commission-whatif"),
    path("commission/", views.statement_list, name="commission-statements"),
    path("commission/compute/", views.statement_compute, name="commission-compute"),
    path("commission/<int:pk>/", views.statement_detail, name="commission-statement"),
    path("commission/<int:pk>/<str:action>/", views.statement_action, name="commission-statement-action"),
    path("commission/<int:pk>/export.<str:fmt>", views.statement_export, name="commission-statement-export"),
]
