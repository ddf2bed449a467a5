from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Order to cash: quotations, contracts and orders, payment plans, payments, invoices, receivables."""

    name = "salesflow.contracts"
    label = "contracts"
    verbose_name = _("Contracts and receivables")

    def ready(self):
        from .quotations import hooks, jobs, navigation, sections  # noqa: F401  (approval hook, expiry job, menu, panel)
