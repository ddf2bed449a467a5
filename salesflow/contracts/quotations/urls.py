from django.urls import path

from . import views

urlpatterns = [
    path("quotations/", views.quotation_list, name="quotation-list"),
    path("quotations/new/<int:opportunity_pk>/", views.quotation_new, name="quotation-new"),
    path("quotations/<int:pk>/", views.quotation_detail, name="quotation-detail"),
    path("quotations/<int:pk>/edit/", views.quotation_edit, name="quotation-edit"),
    path("quotations/<int:pk>/pdf/", views.quotation_download, name="quotation-pdf"),
    path("quotations/<int:pk>/send/", views.quotation_action, {"action": "send"}, name="quotation-send"),
    path("quotations/<int:pk>/accept/", views.quotation_action, {"action": "accept"}, name="quotation-accept"),
    path("quotations/<int:pk>/reject/", views.quotation_action, {"action": "reject"}, name="quotation-reject"),
    path("quotations/<int:pk>/revise/", views.quotation_action, {"action": "revise"}, name="quotation-revise"),
    path("quotations/<int:pk>/request-approval/", views.quotation_action, {"action": "request-approval"},
         name="quotation-request-approval"),
]
