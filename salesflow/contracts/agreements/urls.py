from django.urls import path

from . import settings_views, views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_new, name="agreement-new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf_download, name="agreement-pdf"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/submit/", views.agreement_submit, name="agreement-submit"),
    path("agreements/<int:pk>/status/", views.agreement_status, name="agreement-status"),
    path("agreements/<int:pk>/attachments/", views.attachment_upload, name="agreement-attachment-upload"),
    path("agreements/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download,
         name="agreement-attachment"),
    path("agreements/<int:pk>/attachments/<int:attachment_id>/delete/", views.attachment_delete,
         name="agreement-attachment-delete"),
    path("agreements/<int:pk>/deliveries/", views.delivery_new, name="agreement-delivery-new"),
    path("agreements/<int:pk>/milestones/", views.milestone_add, name="agreement-milestone-add"),
    path("agreements/<int:pk>/milestones/<int:milestone_id>/done/", views.milestone_mark, {"step": "done"},
         name="agreement-milestone-done"),
    path("agreements/<int:pk>/milestones/<int:milestone_id>/accepted/", views.milestone_mark, {"step": "accepted"},
         name="agreement-milestone-accepted"),
    path("settings/numbering/", settings_views.numbering_settings, name="numbering-settings"),
]
