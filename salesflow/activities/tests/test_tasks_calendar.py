import datetime

from django.utils import timezone

from salesflow.activities.models import Activity, Task, VisitPlan
from salesflow.activities.tasks.calendar import calendar_entries, calendar_window
from salesflow.activities.tests.factories import make_activity, make_plan, make_task
from salesflow.core.periods import aware_bounds
from salesflow.testing.factories import make_customer

MONDAY = datetime.date(2026, 11, 16)
SUNDAY = MONDAY + datetime.timedelta(days=6)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_calendar_returns_exactly_the_entries_in_range_for_the_chosen_owners(org):
    customer = make_customer(org.rep_a)
    inside = [
        make_plan(org.rep_a, customer, on=MONDAY, planned_time=datetime.time(9, 30)),
        make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT, at=at(SUNDAY, 23, 59)),
        make_task(org.rep_a, due=at(MONDAY, 0, 0)),
        make_task(org.rep_a, due=at(SUNDAY, 18), status=Task.Status.DONE, done_at=timezone.now()),
    ]
    # outside the week, another owner, not a visit, cancelled, or a plan already visited (its record shows)
    make_plan(org.rep_a, customer, on=MONDAY - datetime.timedelta(days=1))
    make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT, at=at(SUNDAY + datetime.timedelta(days=1), 0, 0))
    make_task(org.rep_a, due=at(MONDAY, 0, 0) - datetime.timedelta(seconds=1))
    make_task(org.rep_a2, due=at(MONDAY, 10))
    make_activity(org.rep_a, customer, kind=Activity.Kind.CALL, at=at(MONDAY, 11))
    make_task(org.rep_a, due=at(MONDAY, 12), status=Task.Status.CANCELLED)
    make_plan(org.rep_a, customer, on=MONDAY, status=VisitPlan.Status.DONE)

    entries = calendar_entries(org.manager_east, owners=[org.rep_a], first_day=MONDAY, last_day=SUNDAY)

    assert {(e.kind, e.pk) for e in entries} == {("plan", inside[0].pk), ("visit", inside[1].pk),
                                                  ("task", inside[2].pk), ("task", inside[3].pk)}
    assert [e.day for e in entries] == [MONDAY, MONDAY, SUNDAY, SUNDAY]
    assert entries[-1].kind == "visit" and entries[-1].time == datetime.time(23, 59)
    assert entries[2].done and entries[2].status == "done"
    assert not entries[-1].done  # a visit record is a fact, not a to-do


def test_calendar_shows_only_rows_the_viewer_may_read(org):
    make_task(org.rep_b, due=at(MONDAY, 10))
    make_task(org.rep_a, due=at(MONDAY, 10))
    assert calendar_entries(org.rep_a, owners=[org.rep_a, org.rep_b], first_day=MONDAY, last_day=SUNDAY)[0].owner_id \
        == org.rep_a.pk
    assert len(calendar_entries(org.rep_a, owners=[org.rep_a, org.rep_b], first_day=MONDAY, last_day=SUNDAY)) == 1
    assert calendar_entries(org.manager_west, owners=[org.rep_a], first_day=MONDAY, last_day=SUNDAY) == []
    assert calendar_entries(org.finance, owners=[org.rep_a, org.rep_b], first_day=MONDAY, last_day=SUNDAY) == []
    assert len(calendar_entries(org.director, owners=[org.rep_a, org.rep_b], first_day=MONDAY,
                                last_day=SUNDAY)) == 2


def test_calendar_runs_one_query_per_kind(org, django_assert_num_queries):
    customer = make_customer(org.rep_a)
    for day in range(7):
        make_plan(org.rep_a, customer, on=MONDAY + datetime.timedelta(days=day))
        make_task(org.rep_a, due=at(MONDAY + datetime.timedelta(days=day), 15))
        make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT, at=at(MONDAY + datetime.timedelta(days=day), 10))
    viewer = type(org.manager_east).objects.get(pk=org.manager_east.pk)
    with django_assert_num_queries(5):  # the viewer's team subtree (2, cached on the user), plans, visits, tasks
        entries = calendar_entries(viewer, owners=[org.rep_a.pk], first_day=MONDAY, last_day=SUNDAY)
    assert len(entries) == 21


def test_a_capped_day_shows_its_earliest_entries_and_counts_the_rest(org, django_assert_num_queries):
    customer = make_customer(org.rep_a)
    early_plan = make_plan(org.rep_a, customer, on=MONDAY, planned_time=None)  # no time: first of its day
    visits = [make_activity(org.rep_a if n % 2 else org.rep_a2, customer, kind=Activity.Kind.VISIT,
                            at=at(MONDAY, 8 + n)) for n in range(5)]
    tasks = [make_task(org.rep_a, due=at(MONDAY, 7, 30)), make_task(org.rep_a2, due=at(MONDAY, 20))]
    make_task(org.rep_a, due=at(SUNDAY, 9))
    viewer = type(org.manager_east).objects.get(pk=org.manager_east.pk)

    with django_assert_num_queries(5):  # still one query per kind, whatever the day holds
        window = calendar_window(viewer, owners=[org.rep_a, org.rep_a2], first_day=MONDAY, last_day=SUNDAY, per_day=3)

    assert [(e.kind, e.pk) for e in window.entries] == [
        ("plan", early_plan.pk), ("task", tasks[0].pk), ("visit", visits[0].pk), ("task", window.entries[-1].pk)]
    assert window.entries[-1].day == SUNDAY
    assert window.day_totals == {MONDAY: 8, SUNDAY: 1}
    assert window.total == 9
    assert window.more_on(MONDAY, 3) == 5 and window.more_on(SUNDAY, 1) == 0
    uncapped = calendar_window(viewer, owners=[org.rep_a, org.rep_a2], first_day=MONDAY, last_day=SUNDAY)
    assert len(uncapped.entries) == 9 and uncapped.day_totals == window.day_totals


def test_day_bounds_are_local_midnights():
    start, end = aware_bounds(MONDAY, MONDAY)
    assert timezone.localtime(start).hour == 0 and end - start == datetime.timedelta(days=1)
    assert start.utcoffset() is None or timezone.localtime(start).date() == MONDAY
