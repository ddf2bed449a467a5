"""The demo's target plans: approved, from last year's months × ~1.2 with each rep's seasonality, adding up; at demo
sizes the signed-amount plan is split by a dimension for this quarter, signed off by one manager and approved
through the services; larger scales write it approved, without a dimension."""

import datetime

from salesflow.core.generator import GenerateContext
from salesflow.core.models import AuditEntry
from salesflow.performance.models import Target, TargetPlan, TargetSignOff
from salesflow.performance.targets import dimensions, services, signoff
from salesflow.performance.targets.generate import generate_targets
from salesflow.performance.targets.tree import OrgTree


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
    assert Target.objects.filter(plan=signed_plan, dimension="").count() == 8 * 17


def test_at_demo_sizes_the_signed_plan_is_split_by_a_dimension_signed_off_by_one_manager_and_approved(org):
    ctx = GenerateContext(scale=2000, now=datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC))
    generate_targets(ctx)
    plan = TargetPlan.objects.get(year=2026, measure__key="signed_amount", status="approved")
    assert plan.dimension_kind == "class" and services.can_plan(plan.approved_by)  # no product series in this org
    east = f"team:{org.east.pk}"
    cells = services.cells(plan)
    for node in (east, f"user:{org.rep_a.pk}", f"user:{org.rep_a2.pk}"):
        parts = dict(Target.objects.filter(plan=plan, node=node, period="2026-Q2").exclude(dimension="")
                     .values_list("dimension", "amount"))
        assert set(parts) == {"class:A", "class:B", "class:C"}
        assert sum(parts.values()) == cells[(node, "2026-Q2")].amount
    assert not Target.objects.filter(plan=plan).exclude(dimension="").exclude(period="2026-Q2").exists()
    assert [r["target"] is not None for r in dimensions.completion_by_value(plan, east, "2026-Q2")] == [True] * 3
    sign_off = TargetSignOff.objects.get(plan=plan)
    assert (sign_off.node, sign_off.signed_by) == (east, org.manager_east)
    states = signoff.statuses(plan, OrgTree.load(), cells)
    assert states[east].current and not states[f"team:{org.west.pk}"].signed_by
    approval = AuditEntry.objects.filter(object_id=str(plan.pk), note__contains="approve_plan").get()
    assert any("manager_west" in part for part in approval.changes["not_signed_off"])


def test_past_demo_sizes_the_signed_plan_is_written_approved_without_a_dimension(org):
    generate_targets(GenerateContext(scale=20_001, now=datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC)))
    plan = TargetPlan.objects.get(year=2026, measure__key="signed_amount", status="approved")
    assert plan.dimension_kind == "" and not TargetSignOff.objects.exists()
    assert not Target.objects.filter(plan=plan).exclude(dimension="").exists()
