"""Read side of money: outstanding receivables, ageing, DSO, collection statistics and forecast.

Every figure is one SQL aggregate (``values().annotate()``), never a loop over rows. Today's figures read the
running totals kept by the services (``Instalment.collected_amount``, ``Agreement.collected_amount``); a figure
"as of" a past date starts from those totals and adds back what was allocated by payments received after that
date, which touches only the (few, recent) payments since then instead of the whole history.
"""

from decimal import Decimal

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from salesflow.contracts.models import Agreement

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)
RECEIVABLE = (Agreement.Status.ACTIVE, Agreement.Status.COMPLETED)


def _sum(expression):
    return Coalesce(Sum(expression, output_field=MONEY), Value(ZERO), output_field=MONEY)


def outstanding_for_customer(customer) -> Decimal:
    """What the customer still owes on its active and completed agreements (the credit check reads this)."""
    return (Agreement.objects.filter(customer=customer, status__in=RECEIVABLE)
            .aggregate(total=_sum(F("amount") - F("collected_amount")))["total"])
