"""Demo targets: an approved plan for the current year for signed and collected amounts, down to every rep and month,
from last year's actuals × ~1.2 (each rep's own seasonality, lifted to the rep's pace of the last three full months
where that is higher; a rep without history gets the average rep's month),
with a spread per rep so that completion shows believable greens, ambers and reds. Teams and the company are the
sums of their reps, so the plan adds up in both axes. Twelve grouped queries per measure, then one bulk insert.

At demo sizes (scale ≤ :data:`DEMO_UP_TO_SCALE`) the signed-amount plan is also split by a dimension (product
series, else region or customer class: the first with values) and goes through the planning services as a person
would: written as a draft, the first managed team and its reps split by that dimension for the current quarter (by
last year's share), that team's manager signs off his part, the director approves — so the plan page shows a
signed-off part beside a missing one and the completion per series. Larger scales write the approved plan directly."""

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
from . import dimensions, services, signoff
from .tree import COMPANY, OrgTree, node_ids

MEASURES = ("signed_amount", "collected_amount")
ZERO = Decimal("0.00")
DEMO_UP_TO_SCALE = 20_000  # demo sizes: the signed-amount plan is split by a dimension, signed off and approved
DEMO_DIMENSIONS = ("series", "region", "class")  # the first the measure supports and that has two values or more


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
        kind = _demo_dimension(measure) if key == "signed_amount" and ctx.scale <= DEMO_UP_TO_SCALE else ""
        TargetPlan.objects.filter(year=year, measure=measure, status=TargetPlan.Status.APPROVED).update(
            status=TargetPlan.Status.SUPERSEDED)
        status = TargetPlan.Status.DRAFT if kind else TargetPlan.Status.APPROVED
        plan = TargetPlan.objects.create(
            year=year, measure=measure, revision=top + 1, status=status, dimension_kind=kind,
            time_split=TargetPlan.TimeSplit.SEASONAL, org_split=TargetPlan.OrgSplit.LAST_YEAR,
            note="demo: last year × 1.2", created_by=approver,
            **({} if kind else {"approved_by": approver, "approved_at": ctx.now}))
        cells = plan_cells(plan, tree, leaves)
        Target.objects.bulk_create(cells, batch_size=2000)
        ctx.log(f"  {key}: plan r{plan.revision}, {len(cells):,} cells")
        if kind:
            _review_demo_plan(ctx, plan, approver, today)


def _demo_dimension(measure) -> str:
    for kind in DEMO_DIMENSIONS:
        if figures.supports(measure.figure, kind) and len(dimensions.values(kind)) > 1:
            return kind
    return ""


def _review_demo_plan(ctx: GenerateContext, plan, approver, today) -> None:
    """What the people do with the draft, through the same services as the pages: the first managed team's manager
    splits his team and its reps by the plan's dimension for this quarter and signs off his part (the other teams'
    managers do not), then the director approves."""
    tree = OrgTree.load()
    quarter = period_of("quarter", today).label
    teams = signoff.signable_nodes(tree)  # by the manager's username: the demo login "manager" leads the first
    if teams:
        node = next(iter(teams))
        manager = User.objects.filter(role=Role.MANAGER, is_active=True, team_id=tree.nodes[node].team_id) \
            .order_by("username").first()
        split = [key for key in tree.walk(node) if key == node or tree.nodes[key].kind == "user"]
        for key in split:
            dimensions.split_dimension(actor=manager, plan=plan, node=key, period=quarter, method="last_year")
        signoff.sign_off_node(actor=manager, plan=plan, node=node)
        ctx.log(f"  {plan.measure.key}: {len(split)} nodes of {tree.label(node)} split by {plan.dimension_kind} for "
                f"{quarter}, signed off by {manager}")
    approved = services.approve_plan(actor=approver, plan=plan)
    ctx.log(f"  {plan.measure.key}: approved, {len(approved.unsigned)} team parts not signed off")
