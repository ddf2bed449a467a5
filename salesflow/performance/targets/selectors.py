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


def plans_for(user):
    """The plans a signed-in user may open (every role reads the plan as far as its own part of the tree goes)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return TargetPlan.objects.select_related("measure", "approved_by").order_by("-year", "measure_id", "-revision")


def plan_rows(plan, tree, root: str, period: str, user=None):
    """The rows of the plan page for one period: each node ``root`` leads to, with its top-down and bottom-up
    figures, their gap, and by how much it differs from its children (organisation) and its sub-periods (time).
    Returns (rows, number of mismatches in the whole plan). One query (the cells) besides the tree."""
    from . import services  # services import this module's neighbours; keep the cycle out of import time

    grid = services.cells(plan)
    mismatches = services.check_plan(plan, tree, grid)
    by_cell = {}
    for m in mismatches:
        by_cell.setdefault((m.node, m.period), {})[m.axis] = m.difference
    rows = []
    top_depth = tree.nodes[root].depth
    for key in tree.walk(root):
        node = tree.nodes[key]
        cell = grid.get((key, period))
        amount = cell.amount if cell else None
        proposed = cell.proposed if cell else None
        problems = by_cell.get((key, period), {})
        rows.append({
            "node": key, "label": node.label, "kind": node.kind, "depth": node.depth - top_depth,
            "indent": range(node.depth - top_depth), "amount": amount, "proposed": proposed,
            "gap": None if proposed is None else proposed - (amount or Decimal(0)),
            "org_diff": problems.get("org"), "time_diff": problems.get("time"),
            "can_allocate": services.can_allocate(user, tree, key),
            "can_propose": services.can_propose(user, tree, key),
        })
    return rows, len(mismatches)
