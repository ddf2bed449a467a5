"""Money on other pages: the agreement page's panel, the customer 360 receivables and payments sections."""

from django.template.loader import render_to_string
from django.utils import timezone

from salesflow.contracts.models import Payment
from salesflow.core import registry
from salesflow.core.registry import customer_sections

from . import selectors
from .views import money_panel

SECTION_ROWS = 20

if hasattr(registry, "agreement_sections"):  # added by the agreements app
    registry.agreement_sections.register("money", "payment plan, payments and invoices", order=30)(money_panel)


@customer_sections.register("receivables", "what the customer still owes, overdue instalments flagged", order=40)
def receivables_section(request, customer):
    today = timezone.localdate()
    open_rows = selectors.open_instalments(request.user, today=today).filter(agreement__customer=customer)
    rows, amount = selectors.open_rows(request.user, today, today)
    totals = rows.filter(agreement__customer=customer).aggregate(
        **{k: v for k, v in selectors.bucket_sums(today, amount).items() if k in ("total", "overdue")})
    instalments = open_rows.select_related("agreement").order_by("due_on", "id")[:SECTION_ROWS]
    return render_to_string("contracts/receivable_customer_section.html", {
        "instalments": instalments, "totals": totals, "today": today, "customer": customer})


@customer_sections.register("payments", "payments received from the customer", order=45)
def payments_section(request, customer):
    payments = (Payment.objects.visible_to(request.user).filter(agreement__customer=customer)
                .select_related("agreement").order_by("-received_on", "-id")[:SECTION_ROWS])
    # No request: these sections hold no form, and the context processors (the bell's count) would run again.
    return render_to_string("contracts/payment_customer_section.html", {"payments": payments, "customer": customer})
