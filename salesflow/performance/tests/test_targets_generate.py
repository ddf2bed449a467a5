"""The demo's target plans: approved, from last year's months × ~1.2 with each rep's seasonality, adding up."""

import datetime

from salesflow.core.generator import GenerateContext
from salesflow.performance.models import Target, TargetPlan
from salesflow.performance.targets import services
from salesflow.performance.targets.generate import generate_targets


def test_demo_plans_are_approved_seasonal_and_add_up(org, signed):
    signed(org.rep_a, datetime.date(2025, 3, 5), "100000")
    ctx = GenerateContext(scale=10, now=datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
    generate_targets(ctx)
    plans = TargetPlan.objects.filter(year=2026, status="approved")
    assert sorted(p.measure.key for p in plans) == ["collected_amount", "signed_amount"]
    for plan in plans:
        assert services.check_plan(plan) == []
    signed_plan = plans.get(measure__key="signed_amount")
    rep_a = {t.period: t.amount for t in Target.objects.filter(plan=signed_plan, node=f"user:{org.rep_a.pk}")}
    assert rep_a["2026-03"] >= 120000  # last March × 1.2 × the rep's spread (1.0 to 2.0)
    assert rep_a["2026-04"] == 0 and rep_a["2026"] == rep_a["2026-03"]
    assert Target.objects.filter(plan=signed_plan).count() == 8 * 17
