"""A manager's commission plan measured on the team subtree's deals: the quota is the team's approved target, the
records are every deal of the people in the team and the teams below (not other teams'), each line names the rep
whose deal it is; the tiers apply at their boundaries as for a rep."""

import datetime
from decimal import Decimal

import pytest

from salesflow.core.periods import parse_period
from salesflow.performance.commission import services
from salesflow.performance.models import CommissionPlan, StatementLine, Target

from .commission_helpers import approve_target, make_plan, signed

pytestmark = pytest.mark.django_db
Q4 = parse_period("2026-Q4")


def team_plan(org, measured_on="team"):
    plan = make_plan(role="manager", base=30)
    plan.measured_on = measured_on
    plan.save()
    holder = approve_target(org.rep_a, "2026-Q4", 1).plan  # the approved 2026 plan the team target lives in
    Target.objects.create(plan=holder, team=org.east, period="2026-Q4", amount=Decimal("10000.00"))
    return plan


def record_lines(statement):
    return list(statement.lines.filter(kind=StatementLine.Kind.RECORD).order_by("position"))


def test_a_team_measured_plan_pays_the_manager_on_his_subtrees_deals_at_exactly_100_percent(org):
    team_plan(org)
    signed(org.rep_a, "6000", datetime.date(2026, 10, 15))
    signed(org.rep_a2, "4000", datetime.date(2026, 10, 16))
    signed(org.rep_b, "5000", datetime.date(2026, 10, 16))  # West: not his team
    statement = services.compute_statement(user=org.manager_east, period=Q4)
    assert statement.quota == Decimal("10000.00") and statement.basis_amount == Decimal("10000.00")
    assert statement.attainment == Decimal("100.00")
    lines = record_lines(statement)
    assert [(line.tier_label, line.commission) for line in lines] == [
        ("0%–50%", Decimal("100.00")), ("50%–100%", Decimal("40.00")), ("50%–100%", Decimal("160.00"))]
    assert "rep_a 的业绩" in lines[0].note and "rep_a2 的业绩" in lines[2].note
    assert statement.total - statement.base_pay == Decimal("300.00")  # nothing in the 100% tier at exactly 100%


def test_one_cent_above_the_boundary_is_paid_at_the_accelerator(org):
    team_plan(org)
    signed(org.rep_a, "10000", datetime.date(2026, 10, 15))
    signed(org.rep_a2, "1.00", datetime.date(2026, 10, 16))
    lines = record_lines(services.compute_statement(user=org.manager_east, period=Q4))
    assert (lines[-1].tier_label, lines[-1].amount, lines[-1].commission) == ("100%–∞", Decimal("1.00"),
                                                                              Decimal("0.08"))
    assert "rep_a2 的业绩" in lines[-1].note


def test_an_own_deals_plan_still_pays_the_manager_only_on_his_own(org):
    team_plan(org, measured_on="own")
    approve_target(org.manager_east, "2026-Q4", 1000)
    signed(org.rep_a, "6000", datetime.date(2026, 10, 15))
    signed(org.manager_east, "500", datetime.date(2026, 10, 15))
    statement = services.compute_statement(user=org.manager_east, period=Q4)
    assert statement.quota == Decimal("1000.00") and statement.basis_amount == Decimal("500.00")
    assert [line.note for line in record_lines(statement)] == [
        f"合同 {statement.lines.filter(kind='record').first().agreement.number}"]


def test_the_plan_api_takes_and_shows_measured_on(org):
    from salesflow.testing.api_client import ApiClient

    body = {"name": "经理团队提成", "role": "manager", "effective_from": "2026-01-01", "ote": "20000",
            "base_percent": "30", "variable_percent": "70", "basis": "signed_amount", "measured_on": "team",
            "tiers": [{"from_percent": "0", "rate": "3"}]}
    response = ApiClient(org.admin).post("/api/v1/performance/commission/plans/", body)
    assert response.status_code in (200, 201), response.content
    assert response.json()["measured_on"] == "team"
    assert CommissionPlan.objects.get(name="经理团队提成").measured_on == "team"
