"""How the approval entries this app writes into documents' audit trails read on the audit log."""

from django.utils.translation import gettext_lazy as _

from salesflow.core.audit_display import register_change_label

register_change_label("approval", _("Approval"), {
    "submitted": _("Submitted for approval"), "approved": _("Approved"), "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn")})
register_change_label("steps", _("Approval steps"))
register_change_label("step", _("Approval step"))
register_change_label("comment", _("Comment"))
