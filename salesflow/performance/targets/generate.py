"""Demo targets: an approved plan for the current year for signed and collected amounts, down to every rep and month,
from last year's actuals × ~1.2 (each rep's own seasonality, lifted to the rep's pace of the last three full months
where that is higher; a rep without history gets the average rep's month),
with a spread per rep so that completion shows believable greens, ambers and reds. Teams and the company are the
sums of their reps, so the plan adds up in both axes. Twelve grouped queries per measure, then one bulk insert."""

import datetime
from decimal import Decimal

from django.db.models import Max

from salesflow.core.generator import GenerateContext
from salesflow.core.money import to_money
from salesflow.core.periods import period_children, period_of, year_periods
from salesflow.core.registry import generator_steps
from salesflow.org.models import Role, User
from salesflow.performance import figures

from ..models import Measure, Target, TargetPlan
from .tree import COMPANY, OrgTree, node_ids

MEASURES = ("signed_amount", "collected_amount")
ZERO = Decimal("0.00")


def plan_cells(plan, tree: OrgTree, leaves: dict[str, dict[str, Decimal]]) -> list[Target]:
    """Every node's cells for every period of the plan's year, from the reps' month amounts (``leaves``: rep node
    key -> month label -> amount): quarters and years are the sums of months, parents the sums of children."""
    periods = year_periods(plan.year, plan.with_weeks)
    amounts: dict[str, dict[str, Decimal]] = {}

    def fill(node):
        children = tree.children(node)
        mine = dict(leaves.get(node, {}))
        for child in children:
            fill(child)
        for period in reversed(periods):
            sub = period_children(period, plan.with_weeks)
            if sub:
                mine[period.label] = sum((mine.get(p.label, ZERO) for p in sub), ZERO)
            elif children:
                mine[period.label] = sum((amounts[c].get(period.label, ZERO) for c in children), ZERO)
            else:
                mine.setdefault(period.label, ZERO)
        amounts[node] = mine

    fill(COMPANY)
    return [Target(plan=plan, period=label, amount=amount, **node_ids(node)).fill_derived()
            for node, by_period in amounts.items() for label, amount in by_period.items()]


@generator_steps.register("targets", "approved target plans for this year (signed and collected amounts) from last "
                                     "year's actuals × ~1.2, down to every rep and month", order=70)
def generate_targets(ctx: GenerateContext) -> None:
    today = ctx.day(ctx.now_ts)
    year = today.year
    tree = OrgTree.load()
    reps = [key for key, node in tree.nodes.items() if node.kind == "user"]
    approver = (User.objects.filter(role__in=[Role.DIRECTOR, Role.ADMIN], is_active=True).order_by("role", "id")
                .first())
    rng = ctx.rng
    spread = {rep: Decimal(str(round(rng.uniform(1.0, 2.0), 2))) for rep in reps}
    months = [period_of("month", datetime.date(year, m, 1)) for m in range(1, 13)]
    for key in MEASURES:
        measure = Measure.objects.filter(key=key).first()
        if measure is None:
            continue
        history = {}
        for month in months:
            last = period_of("month", datetime.date(year - 1, month.start.month, 1))
            history[month.label] = figures.actuals(measure.figure, last.start, last.end)
        # The recent pace: the last three full months before today's month (the demo's history grows steeply,
        # so last year alone would make every rep 400 % complete).
        this_month = period_of("month", today)
        recent_end = this_month.start - datetime.timedelta(days=1)
        recent_start = period_of("month", recent_end - datetime.timedelta(days=62)).start
        recent = {pk: value / 3 for pk, value in figures.actuals(measure.figure, recent_start, recent_end).items()}
        per_rep_month = [v for values in history.values() for v in values.values()]
        average = (sum(per_rep_month, ZERO) / max(len(reps) * 12, 1)) if per_rep_month else Decimal(100000)
        leaves = {}
        for rep in reps:
            user_id = tree.nodes[rep].user_id
            own = {m: max(history[m].get(user_id, ZERO), recent.get(user_id, ZERO)) for m in history}
            if not any(own.values()):
                own = {m: average for m in history}
            leaves[rep] = {m: to_money(max(v, ZERO) * Decimal("1.2") * spread[rep]) for m, v in own.items()}
        top = TargetPlan.objects.filter(year=year, measure=measure).aggregate(top=Max("revision"))["top"] or 0
        TargetPlan.objects.filter(year=year, measure=measure, status=TargetPlan.Status.APPROVED).update(
            status=TargetPlan.Status.SUPERSEDED)
        plan = TargetPlan.objects.create(
            year=year, measure=measure, revision=top + 1, status=TargetPlan.Status.APPROVED,
            time_split=TargetPlan.TimeSplit.SEASONAL, org_split=TargetPlan.OrgSplit.LAST_YEAR,
            note="demo: last year × 1.2", created_by=approver, approved_by=approver, approved_at=ctx.now)
        cells = plan_cells(plan, tree, leaves)
        Target.objects.bulk_create(cells, batch_size=2000)
        ctx.log(f"  {key}: plan r{plan.revision}, {len(cells):,} cells")
