"""Demo data step (order 910: after contracts and after the targets step): three commission plans (junior rep
70/30, senior rep 50/50 for the first third of the reps by name, manager 30/70) and last month's statements, computed
by the same service as the pages; about half are confirmed by the rep's manager and one is approved by finance.
Without approved targets the plans are still made and the statements say "未设目标" (no target set)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from salesflow.core.audit import SYSTEM, acting_as
from salesflow.core.generator import GenerateContext
from salesflow.core.periods import period_of
from salesflow.core.registry import generator_steps
from salesflow.org import access
from salesflow.org.models import Role, User

from ..models import CommissionPlan
from . import services

# Rates are % of the amount; the demo's reps sign some ten million yuan a month, so a fraction of a percent pays
# about the variable target at 100% attainment.
PLANS = [
    # name, role, OTE per month, base %, basis, tiers (from, to, rate %), cap ×, decelerator below %, factor
    ("初级销售提成方案", Role.REP, "12000", 70, CommissionPlan.Basis.SIGNED,
     [(0, 50, "0.01"), (50, 100, "0.02"), (100, 150, "0.04"), (150, None, "0.06")], 3, 30, "0.5"),
    ("高级销售提成方案", "", "20000", 50, CommissionPlan.Basis.COLLECTED,
     [(0, 100, "0.03"), (100, 150, "0.06"), (150, None, "0.09")], 3, 50, "0"),
    ("销售经理提成方案", Role.MANAGER, "30000", 30, CommissionPlan.Basis.SIGNED,
     [(0, 100, "0.005"), (100, None, "0.01")], 3, None, "0.5"),
]


@generator_steps.register("commission", "commission plans (junior, senior, manager) and last month's statements",
                          order=910)
def generate_commission(ctx: GenerateContext) -> None:
    today = timezone.localdate()
    reps = list(User.objects.filter(role=Role.REP, is_active=True).order_by("username"))
    seniors = reps[: len(reps) // 3]
    with acting_as(SYSTEM):
        for name, role, ote, base, basis, tiers, cap, below, factor in PLANS:
            plan = CommissionPlan(name=name, role=role, effective_from=datetime.date(today.year - 1, 1, 1),
                                  ote=Decimal(ote), base_percent=Decimal(base), variable_percent=Decimal(100 - base),
                                  basis=basis, cap_multiple=Decimal(cap), decelerator_factor=Decimal(factor),
                                  decelerator_below=None if below is None else Decimal(below))
            services.save_plan(plan=plan, tiers=tiers, members=seniors if not role else None)
        last_month = period_of("month", period_of("month", today).start - datetime.timedelta(days=1))
        people = User.objects.filter(role__in=[Role.REP, Role.MANAGER], is_active=True).order_by("username")
        done = services.compute_statements(users=people, period=last_month)
    statements = list(services.CommissionStatement.objects.filter(period=last_month.label)
                      .select_related("user").order_by("user__username"))
    overseers = list(User.objects.filter(role__in=[Role.MANAGER, Role.DIRECTOR], is_active=True).order_by("role",
                                                                                                          "id"))
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("id").first()
    confirmed = []
    for i, statement in enumerate(statements):
        if i % 2 or statement.user.username == "rep":  # the demo rep's stays a draft for the manager to confirm
            continue
        manager = next((m for m in overseers if m.pk != statement.user_id and access.oversees(m, statement.user)
                        and services.can_confirm(m, statement)), None)
        if manager is not None:
            confirmed.append(services.confirm_statement(statement=statement, actor=manager))
    if confirmed and finance is not None:
        services.approve_statement(statement=confirmed[0], actor=finance)
    ctx.log(f"  {len(PLANS)} commission plans, {done['computed']} statements for {last_month.label} "
            f"({len(confirmed)} confirmed, {1 if confirmed and finance else 0} approved)")
