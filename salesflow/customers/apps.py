from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "salesflow.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # generator, importers, pool returns, maven-crm, menu entries, dashboard tiles
        from . import generate, imports, jobs, maven, navigation, tiles  # noqa: F401
