"""Pinned SQL query counts of the visit pages and API reads (2 and 20 records cost the same)."""

import datetime

import pytest
from django.utils import timezone

from salesflow.activities.models import VisitPlan
from salesflow.activities.tests.factories import make_plan, make_task
from salesflow.activities.visits import services
from salesflow.customers.models import Contact
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def plans_of(*owners, day=None):
    """Plans (each with two contacts) for ``day`` (default today), spread over ``owners``."""
    def grow(n):
        for i in range(n):
            owner = owners[i % len(owners)]
            customer = make_customer(owner)
            plan = make_plan(owner, customer, on=day or timezone.localdate(), objective=f"拜访{i}")
            plan.contacts.set([Contact.objects.create(customer=customer, name=f"联系人{i}-{k}") for k in range(2)])
    return grow


def rep_day(org):
    """Today's plans, earlier open plans and tasks due of rep_a."""
    today_plans = plans_of(org.rep_a)
    earlier = plans_of(org.rep_a, day=timezone.localdate() - datetime.timedelta(days=2))

    def grow(n):
        today_plans(n)
        earlier(n)
        for i in range(n):
            make_task(org.rep_a, title=f"任务{i}", due=timezone.now() - datetime.timedelta(hours=i + 1),
                      customer=make_customer(org.rep_a))
    return grow


def test_today_page_runs_a_fixed_number_of_queries(org, client_for):
    assert_pinned(client_for(org.rep_a), "/activities/today/", rep_day(org), 7)


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/activities/visits/", 5),
    ("manager_east", "/activities/visits/", 8),
    ("manager_east", "/activities/visits/?view=day&status=planned", 8),
    ("director", "/activities/visits/", 6),
])
def test_plan_list_runs_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, plans_of(org.rep_a, org.rep_a2), expected)


def test_plan_detail_runs_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer)
    activity = services.record_visit(plan, actor=org.rep_a, data={"outcome": "完成"})

    def grow(n):
        contacts = [Contact.objects.create(customer=customer, name=f"联系人{VisitPlan.objects.count()}-{i}")
                    for i in range(n)]
        plan.contacts.add(*contacts)
        for i in range(n):
            make_plan(org.rep_a, customer, on=timezone.localdate() + datetime.timedelta(days=i + 1),
                      source_activity=activity)
    assert_pinned(client_for(org.rep_a), f"/activities/visits/{plan.pk}/", grow, 9)


def test_record_form_runs_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer)

    def grow(n):
        for i in range(n):
            Contact.objects.create(customer=customer, name=f"联系人{Contact.objects.count()}-{i}")
    assert_pinned(client_for(org.rep_a), f"/activities/visits/{plan.pk}/record/", grow, 5)


def test_visit_api_list_and_detail_run_a_fixed_number_of_queries(org, client_for):
    client = client_for(org.manager_east)
    assert_pinned(client, "/api/v1/activities/visits/", plans_of(org.rep_a, org.rep_a2), 8)
    plan = VisitPlan.objects.first()

    def more_contacts(n):
        plan.contacts.add(*[Contact.objects.create(customer=plan.customer, name=f"新联系人{Contact.objects.count()}")
                            for _ in range(n)])
    assert_pinned(client, f"/api/v1/activities/visits/{plan.pk}", more_contacts, 7)


def test_pins_see_the_rows_they_grow(org):
    """The builders really add what the pages show (a pin over an empty page would prove nothing)."""
    rep_day(org)(3)
    assert VisitPlan.objects.filter(owner=org.rep_a, planned_on=timezone.localdate()).count() == 3
    assert VisitPlan.objects.filter(owner=org.rep_a).open().count() == 6
