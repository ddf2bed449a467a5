"""Activity statistics: every figure equals the same figure counted straight from rows made in the test (inside
and outside the period, other owners), visibility, the A-class gap with 0/1/3 touches, coverage, query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesflow.activities.models import Activity, VisitPlan
from salesflow.activities.stats.selectors import KINDS, VOLUME_KEYS, activity_stats, day_start, totals
from salesflow.activities.tests.factories import make_activity, make_plan
from salesflow.customers.models import Customer
from salesflow.org.models import Role
from salesflow.pipeline.models import Opportunity
from salesflow.pipeline.services import lose_opportunity, open_opportunity
from salesflow.testing.factories import make_customer, make_user

START, END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)


def at(day: datetime.date, hour=10, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def make_opportunity(owner, customer):
    return open_opportunity(actor=owner, customer=customer, subject="跟进商机", amount=Decimal(1000))


def by_owner(rows):
    return {r["owner_id"]: r for r in rows}


@pytest.fixture
def month(org):
    """October for rep_a, rep_a2 and rep_b, with records just outside the month on both sides."""
    old = make_customer(org.rep_a, customer_class="A")
    Customer.objects.filter(pk=old.pk).update(created_at=at(datetime.date(2026, 1, 5)))
    new = make_customer(org.rep_a, customer_class="B")
    Customer.objects.filter(pk=new.pk).update(created_at=at(datetime.date(2026, 10, 3)))
    b_customer = make_customer(org.rep_b, customer_class="A")
    # rep_a: inside the month (the first at 00:00 local and the last at 23:59 local on the edges)
    make_activity(org.rep_a, old, kind="visit", at=at(START, 0, 0))
    make_activity(org.rep_a, old, kind="call", at=at(datetime.date(2026, 10, 4)))
    make_activity(org.rep_a, old, kind="wechat", at=at(datetime.date(2026, 10, 11)))
    make_activity(org.rep_a, new, kind="email", at=at(datetime.date(2026, 10, 12)))
    make_activity(org.rep_a, new, kind="note", at=at(END, 23, 59))
    # outside the month
    make_activity(org.rep_a, old, kind="call", at=at(datetime.date(2026, 9, 30), 23, 59))
    make_activity(org.rep_a, new, kind="meeting", at=at(datetime.date(2026, 11, 1), 0, 0))
    # other owners
    make_activity(org.rep_b, b_customer, kind="meeting", at=at(datetime.date(2026, 10, 20)))
    make_activity(org.rep_a2, make_customer(org.rep_a2), kind="call", at=at(datetime.date(2026, 10, 21)))
    # plans: planned (cancelled one not counted), done with and without a record, outside the month
    make_plan(org.rep_a, old, on=datetime.date(2026, 10, 2))
    make_plan(org.rep_a, old, on=datetime.date(2026, 10, 3), status=VisitPlan.Status.CANCELLED)
    recorded = make_plan(org.rep_a, old, on=START, status=VisitPlan.Status.DONE)
    Activity.objects.filter(kind="visit", owner=org.rep_a).update(visit_plan=recorded)
    make_plan(org.rep_a, new, on=datetime.date(2026, 10, 15), status=VisitPlan.Status.DONE)
    make_plan(org.rep_a, new, on=datetime.date(2026, 11, 2))
    make_plan(org.rep_b, b_customer, on=datetime.date(2026, 10, 9), status=VisitPlan.Status.CHECKED_IN)
    return {"old": old, "new": new, "b_customer": b_customer}


def counted_from_rows(owner, customer_class=None):
    """The figures counted straight from the rows, without the selector."""
    since, until = day_start(START), day_start(END + datetime.timedelta(days=1))
    acts = [a for a in Activity.objects.filter(owner=owner) if since <= a.occurred_at < until]
    plans = [p for p in VisitPlan.objects.filter(owner=owner) if START <= p.planned_on <= END]
    touched = {a.customer_id for a in acts if a.customer_id}
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=touched)}
    recorded_plan_ids = set(Activity.objects.filter(visit_plan__isnull=False).values_list("visit_plan_id", flat=True))
    return {
        "visits_planned": sum(p.status != "cancelled" for p in plans),
        "visits_planned_done": sum(p.status == "done" for p in plans),
        "visits_done": sum(a.kind == "visit" for a in acts)
        + sum(p.status == "done" and p.pk not in recorded_plan_ids for p in plans),
        **{f"followups_{k}": sum(a.kind == k for a in acts) for k in KINDS},
        "followups_total": len(acts),
        "customers_touched": len(touched),
        "new_customers_contacted": sum(since <= c.created_at < until for c in customers.values()),
    }


def test_each_reps_figures_equal_the_figures_counted_from_the_rows(org, month):
    rows = by_owner(activity_stats(None, start=START, end=END))
    for rep in (org.rep_a, org.rep_a2, org.rep_b):
        expected = counted_from_rows(rep)
        assert {k: rows[rep.pk][k] for k in expected} == expected, rep.username
    a = rows[org.rep_a.pk]  # and the same by hand, so the counting above is checked too
    assert (a["visits_planned"], a["visits_planned_done"], a["visits_done"]) == (3, 2, 2)
    assert (a["followups_total"], a["followups_call"], a["followups_meeting"]) == (5, 1, 0)
    assert (a["customers_touched"], a["new_customers_contacted"]) == (2, 1)
    assert rows[org.rep_b.pk]["visits_planned"] == 1 and rows[org.rep_b.pk]["visits_done"] == 0


@pytest.mark.parametrize("by", ["owner", "team"])
def test_volume_only_gives_the_same_counts_of_follow_ups_and_visits_and_nothing_else(org, month, by):
    for viewer in (None, org.manager_east, org.rep_a):
        full = activity_stats(viewer, start=START, end=END, by=by)
        volume = activity_stats(viewer, start=START, end=END, by=by, volume_only=True)
        assert volume == [{k: v for k, v in r.items() if k in VOLUME_KEYS} for r in full]
        assert all("customers_touched" not in r and "open_opportunity_coverage" not in r for r in volume)
        assert any(r["visits_done"] and r["followups_total"] for r in volume)


def test_team_rows_group_the_records_by_their_team(org, month):
    rows = {r["team_id"]: r for r in activity_stats(None, start=START, end=END, by="team")}
    east1, west = rows[org.east1.pk], rows[org.west.pk]
    assert east1["followups_total"] == 6  # rep_a 5 + rep_a2 1
    assert east1["customers_touched"] == 3
    assert west["followups_total"] == 1 and west["visits_planned"] == 1
    assert east1["label"] == "East-1"


def test_totals_sum_the_rows_and_recompute_the_shares(org, month):
    rows = activity_stats(None, start=START, end=END)
    total = totals(rows)
    assert total["followups_total"] == 7
    assert total["visits_planned"] == 4
    assert total["a_class_gaps"] == sum(r["a_class_gaps"] for r in rows)
    gap_days = sum(r["a_class_gap_days"] for r in rows)
    assert total["a_class_avg_days_between_touches"] == round(gap_days / total["a_class_gaps"], 1)
    assert total["open_opportunity_coverage"] is None  # no open opportunity at all


def test_a_rep_with_nothing_recorded_still_gets_a_row_of_zeros(org, month):
    idle = make_user("idle_rep", role=Role.REP, team=org.east1)
    row = by_owner(activity_stats(org.manager_east, start=START, end=END))[idle.pk]
    assert row["followups_total"] == 0 and row["visits_planned"] == 0
    assert row["a_class_avg_days_between_touches"] is None and row["open_opportunity_coverage"] is None


# --- the A-class gap ------------------------------------------------------------------------------------------

def gap_of(org, days: list[int], customer_class="A"):
    customer = make_customer(org.rep_a, customer_class=customer_class)
    for day in days:
        make_activity(org.rep_a, customer, at=at(datetime.date(2026, 10, day), 9))
    return by_owner(activity_stats(org.rep_a, start=START, end=END))[org.rep_a.pk]


def test_a_class_gap_is_blank_without_touches(org):
    row = gap_of(org, [])
    assert row["a_class_touches"] == 0 and row["a_class_avg_days_between_touches"] is None


def test_a_class_gap_is_blank_with_a_single_touch(org):
    row = gap_of(org, [7])
    assert row["a_class_touches"] == 1 and row["a_class_gaps"] == 0
    assert row["a_class_avg_days_between_touches"] is None


def test_a_class_gap_with_three_touches_is_the_mean_of_the_two_gaps(org):
    row = gap_of(org, [2, 5, 14])  # gaps 3 and 9 days
    assert (row["a_class_touches"], row["a_class_gaps"]) == (3, 2)
    assert row["a_class_avg_days_between_touches"] == 6.0


def test_a_class_gap_pools_the_gaps_of_several_customers_and_ignores_other_classes(org):
    first, second = make_customer(org.rep_a, customer_class="A"), make_customer(org.rep_a, customer_class="A")
    for day in (1, 2, 4):  # gaps 1, 2
        make_activity(org.rep_a, first, at=at(datetime.date(2026, 10, day), 8, 30))
    for day in (10, 20):  # gap 10
        make_activity(org.rep_a, second, at=at(datetime.date(2026, 10, day), 8, 30))
    b_class = make_customer(org.rep_a, customer_class="B")
    for day in (1, 30):
        make_activity(org.rep_a, b_class, at=at(datetime.date(2026, 10, day)))
    make_activity(org.rep_a, second, at=at(datetime.date(2026, 11, 3)))  # outside the period
    row = by_owner(activity_stats(None, start=START, end=END))[org.rep_a.pk]
    # straight from the rows: consecutive gaps per customer within the period
    gaps = []
    for customer in (first, second):
        times = sorted(a.occurred_at for a in Activity.objects.filter(customer=customer)
                       if day_start(START) <= a.occurred_at < day_start(END + datetime.timedelta(days=1)))
        gaps += [(b - a).total_seconds() / 86400 for a, b in zip(times, times[1:], strict=False)]
    assert row["a_class_gaps"] == len(gaps) == 3
    assert row["a_class_avg_days_between_touches"] == round(sum(gaps) / len(gaps), 1) == 4.3


def test_a_class_gap_counts_hours_not_calendar_days(org):
    customer = make_customer(org.rep_a, customer_class="A")
    make_activity(org.rep_a, customer, at=at(datetime.date(2026, 10, 1), 9))
    make_activity(org.rep_a, customer, at=at(datetime.date(2026, 10, 1), 21))
    row = by_owner(activity_stats(None, start=START, end=END))[org.rep_a.pk]
    assert row["a_class_avg_days_between_touches"] == 0.5


# --- coverage of open opportunities ----------------------------------------------------------------------------

def test_coverage_counts_open_opportunities_with_a_linked_follow_up_in_the_last_14_days(org):
    customer = make_customer(org.rep_a)
    fresh, stale, customer_only, untouched, closed = (make_opportunity(org.rep_a, customer) for _ in range(5))
    make_activity(org.rep_a, customer, opportunity=fresh, at=at(END - datetime.timedelta(days=13), 0, 0))
    make_activity(org.rep_a, customer, opportunity=stale, at=at(END - datetime.timedelta(days=14), 23, 59))
    make_activity(org.rep_a, customer, at=at(END, 12))  # on the customer only: covers no opportunity
    make_activity(org.rep_a, customer, opportunity=closed, at=at(END, 12))
    lose_opportunity(actor=org.rep_a, opportunity=closed)
    make_activity(org.rep_a, customer, opportunity=untouched, at=at(END + datetime.timedelta(days=1), 0, 0))
    row = by_owner(activity_stats(org.rep_a, start=START, end=END))[org.rep_a.pk]
    expected_open = Opportunity.objects.filter(owner=org.rep_a, status="tracking").count()
    assert row["open_opportunities"] == expected_open == 4
    assert row["open_opportunities_touched"] == 1
    assert row["open_opportunity_coverage"] == 25.0
    assert customer_only.status == "tracking"


def test_coverage_of_a_running_period_counts_the_14_days_ending_today(org):
    """The days after today hold no follow-up yet: a window ending on the period's last day would show 0 %."""
    customer = make_customer(org.rep_a)
    touched, _untouched = (make_opportunity(org.rep_a, customer) for _ in range(2))
    make_activity(org.rep_a, customer, opportunity=touched, at=timezone.now() - datetime.timedelta(hours=1))
    today = timezone.localdate()
    row = by_owner(activity_stats(org.rep_a, start=today - datetime.timedelta(days=5),
                                  end=today + datetime.timedelta(days=20)))[org.rep_a.pk]
    assert (row["open_opportunities"], row["open_opportunities_touched"], row["open_opportunity_coverage"]) == (
        2, 1, 50.0)


# --- visibility -------------------------------------------------------------------------------------------------

def test_manager_sees_their_subtree_only(org, month):
    ids = set(by_owner(activity_stats(org.manager_east, start=START, end=END)))
    assert ids == {org.manager_east.pk, org.rep_a.pk, org.rep_a2.pk}
    teams = {r["team_id"] for r in activity_stats(org.manager_east, start=START, end=END, by="team")}
    assert org.west.pk not in teams and org.east1.pk in teams


def test_rep_sees_only_their_own_row(org, month):
    rows = activity_stats(org.rep_a, start=START, end=END)
    assert [r["owner_id"] for r in rows] == [org.rep_a.pk]
    assert rows[0]["followups_total"] == 5
    assert activity_stats(org.rep_a, start=START, end=END, owner_ids=[org.rep_b.pk]) == []


def test_finance_sees_no_field_work(org, month):
    assert activity_stats(org.finance, start=START, end=END) == []
    assert activity_stats(org.finance, start=START, end=END, by="team") == []


def test_director_sees_everyone_and_owner_ids_narrow_the_rows(org, month):
    everyone = by_owner(activity_stats(org.director, start=START, end=END))
    assert {org.rep_a.pk, org.rep_a2.pk, org.rep_b.pk} <= set(everyone)
    narrowed = activity_stats(org.director, start=START, end=END, owner_ids=[org.rep_b.pk])
    assert [r["owner_id"] for r in narrowed] == [org.rep_b.pk]
    assert narrowed[0]["followups_total"] == 1


def test_a_period_ending_before_it_starts_is_refused(org):
    with pytest.raises(ValueError):
        activity_stats(org.director, start=END, end=START)
    with pytest.raises(ValueError):
        activity_stats(org.director, start=START, end=END, by="region")


# --- cost ---------------------------------------------------------------------------------------------------------

def queries_of(viewer, by):
    viewer._team_subtree_ids = None  # measure a fresh request (the subtree is cached on the user per request)
    with CaptureQueriesContext(connection) as captured:
        activity_stats(viewer, start=START, end=END, by=by)
    return len(captured)


@pytest.mark.parametrize("by", ["owner", "team"])
def test_the_number_of_queries_does_not_grow_with_the_reps(org, by):
    def grow(n):
        for _ in range(n):
            rep = make_user(role=Role.REP, team=org.east1)
            customer = make_customer(rep, customer_class="A")
            make_activity(rep, customer, at=at(datetime.date(2026, 10, 3)))
            make_activity(rep, customer, at=at(datetime.date(2026, 10, 5)))
            make_plan(rep, customer, on=datetime.date(2026, 10, 6))
            make_activity(rep, customer, opportunity=make_opportunity(rep, customer), at=at(END))

    grow(2)
    with_two = queries_of(org.manager_east, by)
    grow(10)
    with_twelve = queries_of(org.manager_east, by)
    assert (with_two, with_twelve) == (9, 9)  # subtree 2, people ids 1, people or teams 1, aggregates 5
