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


def team_targets(measure_key: str, period: Period, team_ids) -> dict[int, Decimal]:
    """Each team's approved target for ``period`` (a team-measured commission plan's quota), in one query."""
    targets = Target.objects.filter(plan__year=period.start.year, plan__measure__key=measure_key,
                                    plan__status=TargetPlan.Status.APPROVED, period=period.label,
                                    team_id__in=list(team_ids), dimension="")
    return dict(targets.values_list("team_id", "amount"))


def plans_for(user):
    """The plans a signed-in user may open (every role reads the plan as far as its own part of the tree goes)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return TargetPlan.objects.select_related("measure", "approved_by").order_by("-year", "measure_id", "-revision")


def plan_rows(plan, tree, root: str, period: str, user=None, *, with_grid: bool = False):
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
    return (rows, len(mismatches), grid) if with_grid else (rows, len(mismatches))


def hand_split(plan, tree, grid, node: str, axis: str, period: str, entered: dict | None = None) -> dict | None:
    """The by-hand split editor of the plan page: the node's figure being split (``time``: its figure for
    ``period``, split into that period's sub-periods; ``org``: its year, split among its child teams and reps;
    ``dimension``: its figure for ``period``, split among the values of the plan's dimension), each part (what was
    ``entered``, else the plan's figure) and what is left to allocate. None when the node has no parts on that
    axis."""
    from salesflow.core.money import to_money
    from salesflow.core.periods import parse_period, period_children

    if node not in tree:
        return None
    present = {}
    if axis == "dimension":
        from . import dimensions  # it imports services, which import this module's neighbours

        if not plan.dimension_kind or tree.nodes[node].kind == "company":
            return None
        label = parse_period(period).label
        parts = dimensions.values(plan.dimension_kind)
        present = dict(Target.objects.filter(plan=plan, node=node, period=label).exclude(dimension="")
                       .values_list("dimension", "amount"))
    elif axis == "time":
        parent = parse_period(period)
        parts = [(p.label, p.display) for p in period_children(parent, plan.with_weeks)]
        label = parent.label
    else:
        parts = [(key, tree.label(key)) for key in tree.children(node)]
        label = str(plan.year)
    if not parts:
        return None

    def figure(key, at):
        cell = grid.get((key, at))
        return cell.amount if cell else Decimal("0.00")

    def present_part(key):
        if axis == "dimension":
            return present.get(key, Decimal("0.00"))
        return figure(node, key) if axis == "time" else figure(key, label)

    rows, errors = [], False
    for key, name in parts:
        shown = present_part(key)
        if entered is not None and key in entered:
            try:
                shown = to_money(entered[key])
            except Exception:  # noqa: BLE001 (a typo: shown as typed, counted as nothing)
                shown, errors = entered[key], True
        rows.append({"key": key, "label": name, "amount": shown})
    total = figure(node, label)
    allocated = sum((r["amount"] for r in rows if isinstance(r["amount"], Decimal)), Decimal("0.00"))
    return {"node": node, "node_label": tree.label(node), "axis": axis, "period": label, "total": total,
            "parts": rows, "allocated": allocated, "left": total - allocated, "typo": errors}
