from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "salesflow.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from . import generate  # noqa: F401  (registers the customer generator step)
