from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "salesflow.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from . import generate, imports, jobs  # noqa: F401  (generator step, importers, scheduled pool returns)
