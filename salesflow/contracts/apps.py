from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Order to cash: quotations, contracts and orders, payment plans, payments, invoices, receivables."""

    name = "salesflow.contracts"
    label = "contracts"
    verbose_name = _("Contracts and receivables")

    def ready(self):
        # agreements: approval hooks, menu, opportunity and customer 360 sections, `salesflow report contracts`,
        # the job that sweeps attachment files left by rolled-back uploads;
        # money: menu entries and the overdue tile, customer 360 and agreement sections, the overdue reminder job,
        # reports (salesflow report receivables|collections)
        # imports: salesflow import contracts|payments|invoices and the same on /import/
        # generate: the order-to-cash generator step (agreements, plans, payments, invoices; the demo's showcase)
        # quotations: the discount approval hook, the expiry job, the menu entry, the opportunity page panel
        from . import generate, imports  # noqa: F401
        from .agreements import hooks, report  # noqa: F401
        from .agreements import jobs as agreement_jobs  # noqa: F401
        from .quotations import hooks as quotation_hooks  # noqa: F401
        from .quotations import jobs as quotation_jobs  # noqa: F401
        from .quotations import navigation as quotation_navigation  # noqa: F401
        from .quotations import sections as quotation_sections  # noqa: F401
        from .receivables import jobs, navigation, reports, sections  # noqa: F401
