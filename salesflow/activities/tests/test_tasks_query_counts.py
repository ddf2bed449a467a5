"""Pinned SQL query counts of the task pages, the calendar and the tasks API (2 and 20 records cost the same).

If a change adds a query on purpose, update the pin; if 2 and 20 records differ, it is an N+1."""

import datetime

import pytest
from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.activities.tests.factories import make_activity, make_plan, make_task
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def overdue_tasks(owner):
    customer = make_customer(owner)

    def grow(n):
        for i in range(n):
            make_task(owner, title=f"任务{i}", customer=customer if i % 2 else None,
                      due=timezone.now() - datetime.timedelta(hours=i + 1))
    return grow


def calendar_rows(owner):
    customer = make_customer(owner)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())

    def grow(n):
        for i in range(n):
            day = monday + datetime.timedelta(days=i % 7)
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + i % 8)))
            make_plan(owner, customer, on=day)
            make_activity(owner, customer, kind=Activity.Kind.VISIT, at=at)
            make_task(owner, due=at, customer=customer if i % 2 else None)
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/activities/tasks/?tab=overdue", 5),
    ("manager_east", "/activities/tasks/?tab=overdue&owner=team", 8),
    ("director", "/activities/tasks/?tab=overdue&owner=team", 6),
])
def test_task_list_query_count(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, overdue_tasks(org.rep_a), expected)


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/activities/calendar/?view=week", 6),
    ("rep_a", "/activities/calendar/?view=month", 6),
    ("manager_east", "/activities/calendar/?view=week&owner=team", 10),
    ("manager_east", "/activities/calendar/?view=day", 9),
])
def test_calendar_query_count(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, calendar_rows(org.rep_a), expected)


def test_task_detail_query_count_does_not_grow_with_its_history(org, client_for):
    task = make_task(org.rep_a, customer=make_customer(org.rep_a))

    def grow(n):
        for i in range(n):
            task.refresh_from_db()
            task.notes = f"第{i}次修改"
            task.save()
    assert_pinned(client_for(org.rep_a), f"/activities/tasks/{task.pk}/", grow, 6)


def test_customer_360_tasks_section_does_not_grow(org, client_for):
    customer = make_customer(org.rep_a)

    def grow(n):
        for _i in range(n):
            make_task(org.rep_a, customer=customer)
    from salesflow.testing.queries import queries_of_get
    base = queries_of_get(client_for(org.rep_a), customer.get_absolute_url())
    assert_pinned(client_for(org.rep_a), customer.get_absolute_url(), grow, base)


@pytest.mark.parametrize(("path", "expected"), [
    ("/api/v1/activities/tasks/?tab=overdue", 4),
    ("/api/v1/activities/tasks/calendar?start={monday}&end={sunday}", 5),
])
def test_tasks_api_query_count(org, client_for, path, expected):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    path = path.format(monday=monday.isoformat(), sunday=(monday + datetime.timedelta(days=6)).isoformat())
    assert_pinned(client_for(org.rep_a), path, calendar_rows(org.rep_a), expected)
