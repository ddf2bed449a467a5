"""Planning targets: splits that add up in both axes, seasonality from known history, bottom-up figures,
approval, revisions and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.core.periods import period_children, year_periods
from salesflow.performance.models import Target, TargetPlan
from salesflow.performance.targets import services
from salesflow.performance.targets.tree import OrgTree


def amounts(plan):
    return {(t.node, t.period): t.amount for t in Target.objects.filter(plan=plan)}


def test_even_time_split_adds_up_at_every_level_to_the_cent(org):
    plan = services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1000000.01")
    cells = amounts(plan)
    assert cells[("company", "2026")] == Decimal("1000000.01")
    for period in year_periods(2026):
        children = period_children(period)
        if children:
            assert sum(cells[("company", c.label)] for c in children) == cells[("company", period.label)]
    assert cells[("company", "2026-Q1")] == Decimal("250000.01")
    assert [p for p in services.check_plan(plan) if p.axis == "time"] == []
    # Not split over the organisation yet: the company's teams do not add up to it, and the check says so.
    assert {p.axis for p in services.check_plan(plan)} == {"org"}


def test_headcount_split_down_the_tree_adds_up_in_both_axes_at_every_level(org, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    cells = amounts(plan)
    assert services.check_plan(plan) == []
    assert cells[(f"team:{org.east.pk}", "2026")] == Decimal("800000.00")  # 2 of the 3 reps
    assert cells[(f"team:{org.west.pk}", "2026")] == Decimal("400000.00")
    assert cells[(f"user:{org.rep_a.pk}", "2026")] == Decimal("400000.00")
    assert cells[(f"user:{org.rep_b.pk}", "2026-03")] == Decimal("33333.33")
    reps = [f"user:{r.pk}" for r in (org.rep_a, org.rep_a2, org.rep_b)]
    for period in year_periods(2026):
        assert sum(cells[(r, period.label)] for r in reps) == cells[("company", period.label)]


def test_an_odd_total_split_by_headcount_still_adds_up_to_the_cent_in_both_axes(org):
    plan = services.create_plan(actor=org.admin, year=2026, measure="signed_amount", total="1000000.07",
                                with_weeks=True)
    services.split_org(actor=org.admin, plan=plan, node="company", method="headcount", cascade=True)
    assert services.check_plan(plan) == []
    assert Target.objects.filter(plan=plan, period_kind="week", node=f"user:{org.rep_b.pk}").count() == 53


def test_seasonal_split_follows_last_years_months(org, signed):
    signed(org.rep_a, datetime.date(2025, 3, 5), "300000")
    signed(org.rep_b, datetime.date(2025, 7, 20), "100000")
    signed(org.rep_b, datetime.date(2024, 5, 20), "900000")  # two years ago: not last year
    plan = services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1000000.00",
                                time_split="seasonal")
    cells = amounts(plan)
    assert cells[("company", "2026-03")] == Decimal("750000.00")
    assert cells[("company", "2026-07")] == Decimal("250000.00")
    assert cells[("company", "2026-Q1")] == Decimal("750000.00")
    assert cells[("company", "2026-05")] == Decimal("0.00")
    # A node's own history: West had only July.
    services.split_org(actor=org.director, plan=plan, node="company", method="last_year", cascade=True)
    result = services.split_time(actor=org.director, plan=plan, node=f"user:{org.rep_b.pk}", method="seasonal")
    assert result.note == ""
    rep_b = {p: a for (n, p), a in amounts(plan).items() if n == f"user:{org.rep_b.pk}"}
    assert rep_b["2026"] == Decimal("250000.00") and rep_b["2026-07"] == Decimal("250000.00")


def test_seasonal_split_without_history_falls_back_to_even_and_says_so(org, plan):
    result = services.split_time(actor=org.director, plan=plan, node="company", method="seasonal")
    assert result.note == "该节点去年没有实际数据：已改为平均分解。"
    assert amounts(plan)[("company", "2026-05")] == Decimal("100000.00")


def test_last_year_share_split_gives_each_child_its_share(org, plan, signed):
    signed(org.rep_a, datetime.date(2025, 3, 5), "300000")
    signed(org.manager_west, datetime.date(2025, 6, 5), "100000")  # the manager's own deal counts for West
    services.split_org(actor=org.director, plan=plan, node="company", method="last_year", cascade=True)
    cells = amounts(plan)
    assert cells[(f"team:{org.east.pk}", "2026")] == Decimal("900000.00")
    assert cells[(f"team:{org.west.pk}", "2026")] == Decimal("300000.00")
    assert cells[(f"user:{org.rep_a.pk}", "2026")] == Decimal("900000.00")
    assert cells[(f"user:{org.rep_a2.pk}", "2026")] == Decimal("0.00")
    assert services.check_plan(plan) == []


def test_manual_org_split_that_does_not_add_up_is_named_and_blocks_approval(org, plan):
    hq = f"team:{org.hq.pk}"
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount")
    services.split_org(actor=org.director, plan=plan, node=hq, method="manual",
                       amounts={f"team:{org.east.pk}": "700000", f"team:{org.west.pk}": "400000"})
    services.split_org(actor=org.director, plan=plan, node=f"team:{org.east.pk}", method="headcount",
                       cascade=True)
    services.split_org(actor=org.director, plan=plan, node=f"team:{org.west.pk}", method="headcount")
    problems = [p for p in services.check_plan(plan) if p.node == hq and p.period == "2026"]
    assert [(p.axis, p.difference) for p in problems] == [("org", Decimal("100000.00"))]
    with pytest.raises(ValidationError, match=r"HQ 2026：1200000.00.*1100000.00（\+100000.00）"):
        services.approve_plan(actor=org.director, plan=plan)


def test_a_cell_set_by_hand_shows_the_gap_in_both_axes(org, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    february = amounts(plan)[(f"user:{org.rep_a.pk}", "2026-02")]
    services.set_cell(actor=org.manager_east, plan=plan, node=f"user:{org.rep_a.pk}", period="2026-02",
                      amount="50000")
    problems = {(p.axis, p.node, p.period): p.difference for p in services.check_plan(plan)}
    rep_a = f"user:{org.rep_a.pk}"
    # February went from ~33,333.33 to 50,000.00: Q1 and East-1's February are short by the difference.
    assert problems[("time", rep_a, "2026-Q1")] == february - Decimal("50000.00")
    assert problems[("org", f"team:{org.east1.pk}", "2026-02")] == february - Decimal("50000.00")
    assert len(problems) == 2
    with pytest.raises(ValidationError, match="计划未对齐"):
        services.approve_plan(actor=org.director, plan=plan)


def test_bottom_up_proposals_sit_beside_the_top_down_figures(org, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.submit_proposal(actor=org.rep_a, plan=plan, node=f"user:{org.rep_a.pk}", period="2026",
                             amount="350000")
    services.submit_proposal(actor=org.manager_east, plan=plan, node=f"team:{org.east.pk}", period="2026",
                             amount="900000")
    cell = Target.objects.get(plan=plan, node=f"user:{org.rep_a.pk}", period="2026")
    assert (cell.amount, cell.proposed, cell.proposed_by) == (Decimal("400000.00"), Decimal("350000.00"), org.rep_a)
    assert cell.proposed - cell.amount == Decimal("-50000.00")
    east = Target.objects.get(plan=plan, node=f"team:{org.east.pk}", period="2026")
    assert east.proposed - east.amount == Decimal("100000.00")


def test_approving_supersedes_the_previous_revision_and_revising_copies_it(org, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.approve_plan(actor=org.director, plan=plan)
    revised = services.revise_plan(actor=org.admin, plan=plan)
    assert (revised.revision, revised.status) == (2, TargetPlan.Status.DRAFT)
    assert amounts(revised) == amounts(plan)
    services.set_cell(actor=org.director, plan=revised, node="company", period="2026", amount="1300000")
    services.split_time(actor=org.director, plan=revised, node="company", method="even")
    services.split_org(actor=org.director, plan=revised, node="company", method="headcount", cascade=True)
    services.approve_plan(actor=org.director, plan=revised)
    plan.refresh_from_db()
    assert plan.status == TargetPlan.Status.SUPERSEDED
    assert list(TargetPlan.objects.filter(year=2026).values_list("revision", "status")) == [
        (2, "approved"), (1, "superseded")]
    with pytest.raises(ValidationError):
        services.set_cell(actor=org.director, plan=plan, node="company", period="2026", amount="1")


def test_who_may_plan_split_propose_and_approve(org, plan):
    with pytest.raises(PermissionDenied):
        services.create_plan(actor=org.manager_east, year=2027, measure="signed_amount", total="1")
    with pytest.raises(PermissionDenied):
        services.split_org(actor=org.manager_east, plan=plan, node="company", method="headcount")
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.split_org(actor=org.manager_east, plan=plan, node=f"team:{org.east.pk}", method="headcount",
                       cascade=True)
    with pytest.raises(PermissionDenied):
        services.split_time(actor=org.manager_east, plan=plan, node=f"team:{org.west.pk}", method="even")
    with pytest.raises(PermissionDenied):
        services.set_cell(actor=org.rep_a, plan=plan, node=f"user:{org.rep_a.pk}", period="2026", amount="1")
    with pytest.raises(PermissionDenied):
        services.submit_proposal(actor=org.rep_a, plan=plan, node=f"user:{org.rep_b.pk}", period="2026",
                                 amount="1")
    with pytest.raises(PermissionDenied):
        services.submit_proposal(actor=org.manager_west, plan=plan, node=f"team:{org.east.pk}", period="2026",
                                 amount="1")
    with pytest.raises(PermissionDenied):
        services.approve_plan(actor=org.manager_east, plan=plan)
    services.approve_plan(actor=org.director, plan=plan)


def test_the_tree_has_company_teams_and_reps_with_their_people():
    from salesflow.org.models import Role

    tree = OrgTree([(1, "HQ", None, "/1/"), (2, "East", 1, "/1/2/")],
                   [(10, "Boss", 1, Role.DIRECTOR, "boss"), (11, "Ann", 2, Role.REP, "ann"),
                    (12, "Lone", None, Role.REP, "lone")])
    assert tree.children("company") == ["team:1", "user:12"]
    assert tree.children("team:1") == ["team:2"]
    assert sorted(tree.people("company")) == [10, 11, 12]
    assert tree.headcount("team:1") == 1
    assert tree.find("ann") == "user:11" and tree.find("East") == "team:2"
