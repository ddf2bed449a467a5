from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "salesflow.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import audit, maven, navigation  # noqa: F401  (audit signals; maven-crm importer; audit log menu entry)
