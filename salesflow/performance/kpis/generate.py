"""Generator step (after contracts and activities): the rep and manager scorecards and a few values entered by hand
(market share, training hours) for the last three months, so a fresh demo shows full scorecards and boards."""

import datetime
from decimal import Decimal

from django.utils import timezone

from salesflow.core.generator import GenerateContext
from salesflow.core.periods import period_of
from salesflow.core.registry import generator_steps
from salesflow.org.models import Role, Team, User

from ..models import Kpi, ManualValue, Scorecard
from . import selectors, services

# key, weight %, target (None: the approved target)
REP_CARD = [("signed_amount", 30, "300000"), ("target_completion", 10, None), ("collected_amount", 15, "250000"),
            ("visits", 10, "8"), ("followups", 10, "40"), ("win_rate", 10, "40"), ("sales_cycle", 5, "60"),
            ("training_hours", 10, "8")]
MANAGER_CARD = [("signed_amount", 25, "1500000"), ("collected_amount", 15, "1200000"), ("output_per_head", 15,
                "300000"), ("win_rate", 10, "40"), ("followup_coverage", 10, "30"), ("market_share", 10, "15"),
                ("new_customer_rate", 5, "5"), ("retention_rate", 5, "30"), ("training_hours", 5, "40")]


def _round(value: Decimal) -> Decimal:
    """Two significant digits: a target a person would set (e.g. 430000, 38, 12)."""
    digits = value.adjusted() - 1
    return value.scaleb(-digits).quantize(Decimal(1)).scaleb(digits).quantize(Decimal("0.01"))


def _target(kpi, groups, today, fallback: str) -> Decimal:
    """A target the demo data can reach: 110% of the typical (median) monthly value over the last quarter
    (lower is better: 90%), so a fresh demo shows scores around 100 rather than all capped or all zero."""
    last_quarter = period_of("quarter", period_of("quarter", today).start - datetime.timedelta(days=1))
    values = sorted(v for v in selectors.evaluate(kpi, last_quarter, groups).values() if v is not None and v > 0)
    if not values:
        return Decimal(fallback)
    typical = values[len(values) // 2]
    if kpi.unit in (Kpi.Unit.AMOUNT, Kpi.Unit.COUNT, Kpi.Unit.HOURS) and kpi.formula != Kpi.Formula.RATIO:
        typical = typical / 3  # a quarter's sum -> a month's
    factor = Decimal("1.1") if kpi.higher_is_better else Decimal("0.9")
    return _round(typical * factor)


def _items(spec, groups, today):
    kpis = {k.key: k for k in Kpi.objects.filter(key__in=[key for key, _w, _t in spec])}
    return [{"kpi": kpis[key], "weight": Decimal(weight),
             "target": _target(kpis[key], groups, today, target) if target else None,
             "approved_target": target is None} for key, weight, target in spec if key in kpis]


@generator_steps.register("kpis", "rep and manager scorecards; market share and training hours entered by hand",
                          order=70)
def generate_kpis(ctx: GenerateContext) -> None:
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        return
    rng, today = ctx.rng, timezone.localdate()
    months = [period_of("month", today)]
    for _n in range(2):
        months.insert(0, period_of("month", months[0].start.replace(day=1) - datetime.timedelta(days=1)))
    hours = Kpi.objects.filter(key="training_hours").first()
    share = Kpi.objects.filter(key="market_share").first()
    reps = list(User.objects.filter(role__in=[Role.REP, Role.MANAGER], is_active=True).values_list("id", flat=True))
    teams = list(Team.objects.values_list("id", flat=True))
    rows = []
    for month in months:
        if hours:
            rows += [ManualValue(kpi=hours, user_id=uid, period=month.label, entered_by=admin,
                                 value=Decimal(rng.choice([2, 4, 4, 6, 8, 8, 10, 12]))) for uid in reps]
        if share:
            rows += [ManualValue(kpi=share, team_id=tid, period=month.label, entered_by=admin,
                                 value=Decimal(rng.randint(50, 250)) / 10) for tid in teams]
    ManualValue.objects.bulk_create(rows, ignore_conflicts=True)
    rep_groups = [selectors.person(u) for u in User.objects.filter(role=Role.REP, is_active=True)]
    team_groups = []
    for manager in User.objects.filter(role=Role.MANAGER, is_active=True, team__isnull=False).select_related("team"):
        team_groups.append(selectors.team_group(manager.team, selectors.team_members(manager.team)))
    for role, spec, groups in ((Scorecard.Role.REP, REP_CARD, rep_groups),
                               (Scorecard.Role.MANAGER, MANAGER_CARD, team_groups)):
        items = _items(spec, groups, today)
        if sum(i["weight"] for i in items) == 100:
            services.save_scorecard(actor=admin, role=role, items=items)
    ctx.log(f"kpis: 2 scorecards, {len(rows)} values entered by hand")
