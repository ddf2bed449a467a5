from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "salesflow.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from . import audit_labels, navigation, tiles  # noqa: F401  (audit log labels, menu entries, the "awaiting me" tile)
