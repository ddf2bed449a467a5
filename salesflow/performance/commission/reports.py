"""``salesflow report commission --json [--user U] [--period P]``: statements (as U sees them), one row each."""

from salesflow.core.periods import parse_period
from salesflow.core.registry import reports

from ..models import CommissionStatement
from . import selectors


def statement_row(s: CommissionStatement) -> dict:
    return {"id": s.pk, "user": s.user.username, "period": s.period, "plan": s.plan.name, "basis": s.basis,
            "status": s.status, "quota": s.quota, "basis_amount": s.basis_amount, "attainment": s.attainment,
            "base_pay": s.base_pay, "commission": s.commission, "total": s.total}


@reports.register("commission", "commission statements (a rep sees only their own): quota, attainment, pay, status")
def commission_report(*, user=None, period=None):
    if period:
        period = parse_period(period).label  # ValueError → the CLI's error message
    rows = (selectors.statements(user, period=period or "") if user is not None
            else CommissionStatement.objects.select_related("user", "plan").filter(
                **({"period": period} if period else {})).order_by("-starts_on", "user__username"))
    rows = [statement_row(s) for s in rows]
    return {"period": period or "", "rows": rows,
            "total": sum((r["total"] for r in rows), 0) if rows else 0}
