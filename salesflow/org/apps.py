from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "salesflow.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import generate, maven, navigation, reports  # noqa: F401  (generator, maven-crm step, menu, reports)
