"""``salesflow report contracts [--json] [--user U] [--period P]``: agreements signed per month and status (count and
amount) over what the user may see (all data without --user). One aggregate query."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from salesflow.contracts.models import Agreement
from salesflow.core.money import to_money
from salesflow.core.periods import parse_period
from salesflow.core.registry import reports


def signed_by_month(agreements) -> list[dict]:
    rows = (agreements.annotate(month=TruncMonth("signed_on")).values("month", "status")
            .annotate(count=Count("id"), amount=Sum("amount")).order_by("month", "status"))
    return [{"month": f"{row['month']:%Y-%m}", "status": row["status"], "count": row["count"],
             "amount": to_money(row["amount"] or 0)} for row in rows]


def contracts_report(user=None, period: str | None = None) -> dict:
    agreements = Agreement.objects.visible_to(user) if user is not None else Agreement.objects.all()
    chosen = parse_period(period) if period else None
    if chosen is not None:
        agreements = agreements.filter(signed_on__range=(chosen.start, chosen.end))
    rows = signed_by_month(agreements)
    return {"period": chosen.label if chosen else "", "user": user.username if user else "",
            "count": sum(r["count"] for r in rows), "amount": to_money(sum((r["amount"] for r in rows), 0)),
            "rows": rows}


@reports.register("contracts", "contracts and orders signed per month and status: count and amount")
def _contracts(*, user=None, period=None):
    return contracts_report(user, period)
