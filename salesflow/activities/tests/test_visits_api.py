import datetime

from django.utils import timezone

from salesflow.activities.models import Activity, Task, VisitPlan
from salesflow.activities.tests.factories import make_plan
from salesflow.customers.models import Contact
from salesflow.testing.factories import make_customer

BASE = "/api/v1/activities/visits/"
TODAY = timezone.localdate


def test_list_filters_by_dates_owner_and_status_within_visibility(org, api_for):
    monday = TODAY() + datetime.timedelta(days=7 - TODAY().weekday())
    make_plan(org.rep_a, make_customer(org.rep_a), on=monday)
    make_plan(org.rep_a2, make_customer(org.rep_a2), on=monday + datetime.timedelta(days=1))
    make_plan(org.rep_a, make_customer(org.rep_a), on=monday + datetime.timedelta(days=9))
    make_plan(org.rep_b, make_customer(org.rep_b), on=monday)
    manager = api_for(org.manager_east)
    week = f"date_from={monday}&date_to={monday + datetime.timedelta(days=6)}"
    body = manager.get(f"{BASE}?{week}").json()
    assert body["count"] == 2 and {i["owner_id"] for i in body["items"]} == {org.rep_a.pk, org.rep_a2.pk}
    assert manager.get(f"{BASE}?{week}&owner={org.rep_a2.pk}").json()["count"] == 1
    assert manager.get(f"{BASE}?{week}&owner={org.rep_b.pk}").json()["count"] == 0
    assert manager.get(f"{BASE}?status=done").json()["count"] == 0
    assert api_for(org.rep_a).get(BASE).json()["count"] == 2
    assert api_for(org.finance).get(BASE).json()["count"] == 0


def test_list_refuses_a_bad_status_and_a_reversed_range_by_name(org, api_for):
    client = api_for(org.rep_a)
    response = client.get(f"{BASE}?status=nope")
    assert response.status_code == 422 and api_for.fields(response) == {"status"}
    response = client.get(f"{BASE}?date_from=2026-05-02&date_to=2026-05-01")
    assert response.status_code == 422 and api_for.fields(response) == {"date_to"}


def test_create_plan_with_contacts_and_detail(org, api_for):
    customer = make_customer(org.rep_a)
    contact = Contact.objects.create(customer=customer, name="赵总")
    client = api_for(org.rep_a)
    response = client.post(BASE, {"customer_id": customer.pk, "planned_on": str(TODAY()), "planned_time": "09:30",
                                  "objective": "需求调研", "contact_ids": [contact.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_id"] == org.rep_a.pk and body["contact_ids"] == [contact.pk] and body["status"] == "planned"
    assert client.get(f"{BASE}{body['id']}").json()["objective"] == "需求调研"
    assert api_for(org.rep_b).get(f"{BASE}{body['id']}").status_code == 404


def test_create_refuses_by_field_name(org, api_for):
    customer = make_customer(org.rep_a)
    client = api_for(org.rep_a)
    past = client.post(BASE, {"customer_id": customer.pk, "planned_on": str(TODAY() - datetime.timedelta(days=1)),
                              "objective": "x"})
    assert past.status_code == 422 and api_for.fields(past) == {"planned_on"}
    hidden = client.post(BASE, {"customer_id": make_customer(org.rep_b).pk, "planned_on": str(TODAY()),
                                "objective": "x"})
    assert hidden.status_code == 422 and api_for.fields(hidden) == {"customer_id"}
    foreign = Contact.objects.create(customer=make_customer(org.rep_a), name="别家")
    wrong = client.post(BASE, {"customer_id": customer.pk, "planned_on": str(TODAY()), "objective": "x",
                               "contact_ids": [foreign.pk]})
    assert wrong.status_code == 422 and api_for.fields(wrong) == {"contact_ids"}
    other_rep = client.post(BASE, {"customer_id": customer.pk, "planned_on": str(TODAY()), "objective": "x",
                                   "owner_id": org.rep_a2.pk})
    assert other_rep.status_code == 422 and api_for.fields(other_rep) == {"owner_id"}
    assert api_for(org.finance).post(BASE, {"customer_id": customer.pk, "planned_on": str(TODAY()),
                                               "objective": "x"}).status_code == 403
    assert not VisitPlan.objects.exists()


def test_update_takes_the_version_and_refuses_a_stale_one(org, api_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client = api_for(org.rep_a)
    response = client.patch(f"{BASE}{plan.pk}", {"version": 1, "objective": "改为报价"})
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client.patch(f"{BASE}{plan.pk}", {"version": 1, "objective": "旧版本"})
    assert stale.status_code == 409
    assert VisitPlan.objects.get(pk=plan.pk).objective == "改为报价"


def test_check_in_record_and_next_task_through_the_api(org, api_for):
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer)
    client = api_for(org.rep_a)
    checked = client.post(f"{BASE}{plan.pk}/check-in", {"version": 1, "latitude": 39.9042, "longitude": 116.4074,
                                                        "accuracy": 12.5})
    assert checked.status_code == 200 and checked.json()["status"] == "checked_in"
    assert checked.json()["latitude"] is not None
    again = client.post(f"{BASE}{plan.pk}/check-in", {})
    assert again.status_code == 422 and api_for.fields(again) == {"status"}
    next_day = TODAY() + datetime.timedelta(days=4)
    recorded = client.post(f"{BASE}{plan.pk}/record", {
        "outcome": "谈妥试用", "commitment_obtained": True, "next_step": "安装试用版",
        "next_contact_on": str(next_day), "next_kind": "task"})
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert body["visit_plan_id"] == plan.pk and body["kind"] == "visit"
    assert body["next_task_ids"] == [Task.objects.get().pk]
    assert client.get(f"{BASE}{plan.pk}").json()["record_id"] == body["id"]
    twice = client.post(f"{BASE}{plan.pk}/record", {"outcome": "再记"})
    assert twice.status_code == 422 and api_for.fields(twice) == {"status"}
    assert Activity.objects.count() == 1


def test_check_in_refuses_out_of_range_coordinates_by_name(org, api_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    response = api_for(org.rep_a).post(f"{BASE}{plan.pk}/check-in", {"latitude": 95, "longitude": 10})
    assert response.status_code == 422 and api_for.fields(response) == {"latitude"}
    response = api_for(org.rep_a).post(f"{BASE}{plan.pk}/check-in", {"latitude": 30})
    assert response.status_code == 422 and api_for.fields(response) == {"longitude"}
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED


def test_record_refuses_a_past_next_contact_date_by_name(org, api_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    response = api_for(org.rep_a).post(f"{BASE}{plan.pk}/record", {
        "outcome": "x", "next_step": "回访", "next_contact_on": str(TODAY() - datetime.timedelta(days=1))})
    assert response.status_code == 422 and api_for.fields(response) == {"next_contact_on"}


def test_cancel_needs_a_reason_and_other_reps_get_404(org, api_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client = api_for(org.rep_a)
    empty = client.post(f"{BASE}{plan.pk}/cancel", {"reason": ""})
    assert empty.status_code == 422 and api_for.fields(empty) == {"reason"}
    assert api_for(org.rep_a2).post(f"{BASE}{plan.pk}/cancel", {"reason": "x"}).status_code == 404
    done = client.post(f"{BASE}{plan.pk}/cancel", {"reason": "客户出差", "version": 1})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_check_in_on_a_future_plan_is_refused_by_planned_on(org, api_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a), on=TODAY() + datetime.timedelta(days=1))
    response = api_for(org.rep_a).post(f"{BASE}{plan.pk}/check-in", {"version": 1})
    assert response.status_code == 422 and api_for.fields(response) == {"planned_on"}
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED
    overdue = make_plan(org.rep_a, make_customer(org.rep_a), on=TODAY() - datetime.timedelta(days=1))
    response = api_for(org.rep_a).post(f"{BASE}{overdue.pk}/check-in", {"version": 1})
    assert response.status_code == 200 and response.json()["status"] == "checked_in"
