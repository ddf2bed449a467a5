"""Reading commission: the statements a person may see (a rep their own, a manager their subtree, finance and
administrators all), with filters; one statement with its lines."""

from django.utils import timezone

from salesflow.core.periods import period_of
from salesflow.org import access

from ..models import CommissionPlan, CommissionStatement, StatementLine


def statements(user, *, period: str = "", status: str = "", username: str = ""):
    rows = CommissionStatement.objects.visible_to(user).select_related("user", "plan")
    if period:
        rows = rows.filter(period=period)
    if status:
        rows = rows.filter(status=status)
    if username:
        rows = rows.filter(user__username=username)
    return rows.order_by("-starts_on", "user__username")


def statement(user, pk) -> CommissionStatement:
    return access.get_visible_or_404(
        CommissionStatement.objects.select_related("user", "plan", "confirmed_by", "approved_by"), user, pk=pk)


def lines(statement):
    return (StatementLine.objects.filter(statement=statement)
            .select_related("agreement", "clawback_of__statement").order_by("position"))


def plans():
    return CommissionPlan.objects.prefetch_related("tiers", "members").order_by("-effective_from", "name")


def current_draft(user):
    """The user's statement of the current month, if any (the home tile's figure)."""
    month = period_of("month", timezone.localdate())
    return CommissionStatement.objects.filter(user=user, period=month.label).first()
