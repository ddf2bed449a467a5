"""Customer structure: customers and amount signed by industry, size and class; new and lost customers per month.

New in a month = customers whose first signed agreement (status past draft / pending approval) is in that month.
Lost in a month = customers whose last signed agreement reached 365 days without a newer one in that month
(last agreement + 365 days falls in the month, and that day has passed)."""

import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum

from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables.selectors import NOT_SIGNED
from salesflow.customers.models import Customer

LOST_AFTER_DAYS = 365
DIMENSIONS = {"industry": "industry", "size": "size", "class": "customer_class"}


def _signed():
    return Agreement.objects.exclude(status__in=NOT_SIGNED)


def by_dimension(customers, field: str, first: datetime.date, last: datetime.date) -> list[dict]:
    """Customers per value of ``field`` and what they signed in [first, last] (two grouped queries)."""
    counts = dict(customers.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))
    amounts = dict(_signed().filter(customer__in=customers.values("pk"), signed_on__gte=first, signed_on__lte=last)
                   .order_by().values(f"customer__{field}").annotate(s=Sum("amount"))
                   .values_list(f"customer__{field}", "s"))
    choices = dict(Customer._meta.get_field(field).choices or [])
    return [{"value": value, "label": str(choices.get(value, value)) if value else "—", "customers": counts[value],
             "amount": Decimal(amounts.get(value) or 0).quantize(Decimal("0.01"))}
            for value in sorted(counts, key=lambda v: (-counts[v], str(v)))]


def signers(customers, first: datetime.date, last: datetime.date) -> dict[str, dict]:
    """Per dimension field, the ids of the customers who signed in [first, last] per value: the customers behind each
    amount of :func:`by_dimension` (one query, a row per signing customer)."""
    fields = list(DIMENSIONS.values())
    signed = _signed().filter(signed_on__gte=first, signed_on__lte=last).values("customer_id")
    result = {field: {} for field in fields}
    for pk, *values in customers.filter(pk__in=signed).order_by("pk").values_list("pk", *fields):
        for field, value in zip(fields, values, strict=True):
            result[field].setdefault(value, []).append(pk)
    return result


def _months(today: datetime.date, n: int = 12) -> list[datetime.date]:
    month, months = today.replace(day=1), []
    for _i in range(n):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _month_of(day) -> datetime.date:
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return day.replace(day=1)


def new_and_lost(customers, today: datetime.date) -> list[dict]:
    """The last 12 months (this one included): new and lost customers, with their ids (two queries)."""
    months = _months(today)
    start = months[0]
    signed = _signed().filter(customer=OuterRef("pk"), signed_on__lte=today)
    annotated = customers.annotate(
        first_on=Subquery(signed.order_by("signed_on").values("signed_on")[:1]),
        last_on=Subquery(signed.order_by("-signed_on").values("signed_on")[:1]))
    lost_span = (start - datetime.timedelta(days=LOST_AFTER_DAYS), today - datetime.timedelta(days=LOST_AFTER_DAYS))
    rows = {m: {"month": m.strftime("%Y-%m"), "new": [], "lost": []} for m in months}
    for pk, first_on in annotated.filter(first_on__gte=start).values_list("pk", "first_on"):
        rows[_month_of(first_on)]["new"].append(pk)
    for pk, last_on in annotated.filter(last_on__gte=lost_span[0], last_on__lte=lost_span[1]).values_list(
            "pk", "last_on"):
        last_on = datetime.date.fromisoformat(last_on) if isinstance(last_on, str) else last_on
        rows[_month_of(last_on + datetime.timedelta(days=LOST_AFTER_DAYS))]["lost"].append(pk)
    return [rows[m] for m in months]
