"""Completion, live: target, actual, completion vs time elapsed, gap and run rate, R/Y/G, for the tree a user sees,
in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesflow.core.periods import parse_period
from salesflow.performance.models import TargetSettings
from salesflow.performance.targets import services
from salesflow.performance.targets.completion import completion_tree, elapsed
from salesflow.testing import factories

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def approved(org):
    """1,080,000.00 for 2026: 90,000.00 a month, 30,000.00 a month for each of the three reps."""
    plan = services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1080000.00")
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    return services.approve_plan(actor=org.director, plan=plan)


def by_node(result):
    return {row.node: row for row in result.rows}


def test_time_elapsed_counts_today_and_the_run_rate_divides_the_gap_over_what_is_left():
    pct, days_left, months_left = elapsed(parse_period("2026-Q4"), TODAY)
    assert (pct, days_left, months_left) == (Decimal("58.7"), 38, 2)  # 54 of 92 days; rest of Nov and December
    assert elapsed(parse_period("2026-Q1"), TODAY) == (Decimal("100.0"), 0, 0)
    assert elapsed(parse_period("2027-Q1"), TODAY) == (Decimal("0.0"), 90, 3)


def test_completion_sums_the_people_of_each_node_against_its_target(org, approved, signed):
    signed(org.rep_a, datetime.date(2026, 10, 8), "60000")
    signed(org.rep_a2, datetime.date(2026, 11, 2), "10000")
    signed(org.manager_east, datetime.date(2026, 11, 3), "5000")  # counts for East, not for a rep
    signed(org.rep_b, datetime.date(2026, 9, 30), "99999")  # Q3
    rows = by_node(completion_tree(org.director, "signed_amount", parse_period("2026-Q4"), today=TODAY))
    rep_a = rows[f"user:{org.rep_a.pk}"]
    assert (rep_a.target, rep_a.actual, rep_a.completion_pct) == (Decimal("90000.00"), Decimal("60000.00"),
                                                                  Decimal("66.7"))
    assert rep_a.deviation == Decimal("8.0")  # 66.7 − 58.7
    assert rep_a.gap == Decimal("30000.00") and rep_a.per_day == Decimal("789.47")  # 30,000 / 38 days
    assert rep_a.per_month == Decimal("15000.00")
    assert rep_a.colour == "green"
    east = rows[f"team:{org.east.pk}"]
    assert east.actual == Decimal("75000.00") and east.completion_pct == Decimal("41.7")
    assert east.colour == "red"  # below 80 % of 58.7
    assert rows[f"user:{org.rep_a2.pk}"].colour == "red"
    assert rows[f"user:{org.rep_b.pk}"].actual is None
    assert rows[f"user:{org.rep_b.pk}"].note == "暂无数据"
    assert rows["company"].actual == Decimal("75000.00")


def test_thresholds_an_admin_changes_recolour_completion(org, approved, signed):
    signed(org.rep_a, datetime.date(2026, 10, 8), "45000")  # 50 % at 58.7 % elapsed: amber by default
    period = parse_period("2026-Q4")
    assert by_node(completion_tree(org.director, "signed_amount", period, today=TODAY))[
        f"user:{org.rep_a.pk}"].colour == "amber"
    with pytest.raises(PermissionDenied):
        services.update_settings(actor=org.director, green_ratio="0.8", red_ratio="0.5")
    services.update_settings(actor=org.admin, green_ratio="0.8", red_ratio="0.5")
    assert TargetSettings.objects.count() == 1
    assert by_node(completion_tree(org.director, "signed_amount", period, today=TODAY))[
        f"user:{org.rep_a.pk}"].colour == "green"


def test_without_an_approved_plan_every_node_says_no_target(org, plan):
    assert plan.status == "draft"
    rows = completion_tree(org.director, "signed_amount", parse_period("2026-Q4"), today=TODAY).rows
    assert {row.note for row in rows} == {"未设目标"}
    assert all(row.completion_pct is None and row.colour == "" for row in rows)


def test_each_role_sees_only_its_part_of_the_tree(org, approved):
    period = parse_period("2026-Q4")
    assert [r.node for r in completion_tree(org.rep_a, "signed_amount", period, today=TODAY).rows] == [
        f"user:{org.rep_a.pk}"]
    manager_rows = [r.node for r in completion_tree(org.manager_east, "signed_amount", period, today=TODAY).rows]
    assert manager_rows[0] == f"team:{org.east.pk}" and f"user:{org.rep_b.pk}" not in manager_rows
    assert len(completion_tree(org.finance, "signed_amount", period, today=TODAY).rows) == 8
    with pytest.raises(PermissionDenied):
        completion_tree(org.rep_a, "signed_amount", period, node=f"user:{org.rep_b.pk}", today=TODAY)
    with pytest.raises(PermissionDenied):
        completion_tree(org.manager_east, "signed_amount", period, node=f"team:{org.west.pk}", today=TODAY)


def test_the_whole_tree_costs_the_same_queries_however_big_the_organisation(org, approved):
    period = parse_period("2026-Q4")
    with CaptureQueriesContext(connection) as small:
        completion_tree(org.director, "signed_amount", period, today=TODAY)
    for i in range(20):
        team = factories.make_team(f"T{i}", parent=org.west)
        factories.make_user(f"more{i}", team=team)
    with CaptureQueriesContext(connection) as big:
        rows = completion_tree(org.director, "signed_amount", period, today=TODAY).rows
    assert len(small) == len(big) == 6
    assert len(rows) == 8 + 40
