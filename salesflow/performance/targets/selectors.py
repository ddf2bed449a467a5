"""Reading targets: the approved plan's figures for a node and period (what completion, scorecards and commission
compare actuals with)."""

from decimal import Decimal

from salesflow.core.periods import Period

from ..models import Target, TargetPlan


def approved_plan(year: int, measure_key: str) -> TargetPlan | None:
    return TargetPlan.objects.filter(year=year, measure__key=measure_key,
                                     status=TargetPlan.Status.APPROVED).select_related("measure").first()


def user_targets(measure_key: str, period: Period, user_ids=None) -> dict[int, Decimal]:
    """Each rep's approved target for ``period`` (a year, quarter, month or week of one fiscal year), in one query.
    Reps without a target are absent (no target is not a target of zero)."""
    targets = Target.objects.filter(plan__year=period.start.year, plan__measure__key=measure_key,
                                    plan__status=TargetPlan.Status.APPROVED, period=period.label,
                                    user__isnull=False, dimension="")
    if user_ids is not None:
        targets = targets.filter(user_id__in=list(user_ids))
    return dict(targets.values_list("user_id", "amount"))
