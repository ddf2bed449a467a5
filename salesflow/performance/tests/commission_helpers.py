"""Test data for the commission tests: plans, approved targets, agreements and payments made directly."""

import datetime
from decimal import Decimal

from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.performance.commission import services
from salesflow.performance.models import CommissionPlan, Measure, Target, TargetPlan

TIERS = [(0, 50, "2"), (50, 100, "4"), (100, None, "8")]


def make_plan(*, role="rep", members=(), tiers=TIERS, basis=CommissionPlan.Basis.SIGNED, ote="10000",
              base=70, cap=None, decelerator_below=None, factor="0.5", frm=datetime.date(2026, 1, 1), name=None,
              to=None):
    plan = CommissionPlan(name=name or f"plan {role}", role=role, effective_from=frm, effective_to=to,
                          ote=Decimal(ote), base_percent=Decimal(base), variable_percent=Decimal(100 - base),
                          basis=basis, cap_multiple=None if cap is None else Decimal(str(cap)),
                          decelerator_below=None if decelerator_below is None else Decimal(decelerator_below),
                          decelerator_factor=Decimal(factor))
    return services.save_plan(plan=plan, tiers=tiers, members=list(members))


def approve_target(user, period_label, amount, measure="signed_amount"):
    year = int(period_label[:4])
    plan = TargetPlan.objects.filter(year=year, measure__key=measure).first() or TargetPlan.objects.create(
        year=year, measure=Measure.objects.get(key=measure), status=TargetPlan.Status.APPROVED)
    return Target.objects.create(plan=plan, user=user, period=period_label, amount=Decimal(str(amount)))


def signed(owner, amount, day=datetime.date(2026, 10, 15)):
    return make_agreement(owner, amount=str(amount), signed_on=day)
