"""/api/v1/activities/followups/: list with filters, create, detail, update (version), delete; permissions."""

import datetime

import pytest
from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.activities.tests.factories import make_activity
from salesflow.customers.models import Contact, Customer
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/activities/followups/"


def test_create_records_a_follow_up_and_moves_last_contact(org, api_for):
    customer = make_customer(org.rep_a)
    contact = Contact.objects.create(customer=customer, name="王总")
    response = api_for(org.rep_a).post(BASE, {"customer_id": customer.pk, "contact_id": contact.pk, "kind": "meeting",
                                          "subject": "方案评审会", "occurred_at": "2026-01-05T10:30:00+08:00"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["contact_id"], body["owner_id"], body["version"]) == ("meeting", contact.pk,
                                                                                      org.rep_a.pk, 1)
    assert body["owner_name"] == str(org.rep_a)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == datetime.datetime.fromisoformat(
        "2026-01-05T10:30:00+08:00")


def test_create_errors_name_their_fields(org, api_for):
    customer = make_customer(org.rep_a)
    api = api_for(org.rep_a)
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = api.post(BASE, {"customer_id": customer.pk, "subject": "明天的", "occurred_at": future})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_at"]
    response = api.post(BASE, {"subject": "无对象"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "customer"
    assert api.post(BASE, {"customer_id": customer.pk, "subject": "x", "kind": "fax"}).status_code == 422
    assert not Activity.objects.exists()


def test_manager_records_for_a_rep_in_the_subtree_but_not_outside(org, api_for):
    customer = make_customer(org.rep_a)
    api = api_for(org.manager_east)
    response = api.post(BASE, {"customer_id": customer.pk, "subject": "代记", "owner_id": org.rep_a.pk})
    assert response.status_code == 201 and response.json()["owner_id"] == org.rep_a.pk
    west = make_customer(org.rep_b)
    assert api.post(BASE, {"customer_id": west.pk, "subject": "x", "owner_id": org.rep_b.pk}).status_code == 404


def test_list_is_visible_rows_only_and_filters(org, api_for):
    mine = make_activity(org.rep_a, make_customer(org.rep_a, name="阿尔法科技"), kind="visit")
    make_activity(org.rep_a, make_customer(org.rep_a, name="贝塔"), kind="call")
    theirs = make_activity(org.rep_b, make_customer(org.rep_b), kind="visit")
    api = api_for(org.rep_a)
    body = api.get(BASE).json()
    assert body["count"] == 2 and theirs.pk not in [row["id"] for row in body["items"]]
    assert [row["id"] for row in api.get(f"{BASE}?kind=visit").json()["items"]] == [mine.pk]
    assert [row["id"] for row in api.get(f"{BASE}?q=阿尔法").json()["items"]] == [mine.pk]
    assert api.get(f"{BASE}?date_from=2026-02-01&date_to=2026-01-01").status_code == 422
    assert api_for(org.finance).get(BASE).json()["count"] == 0


def test_detail_update_with_version_and_delete(org, api_for):
    activity = make_activity(org.rep_a, make_customer(org.rep_a), subject="旧")
    api = api_for(org.rep_a)
    assert api.get(f"{BASE}{activity.pk}").json()["subject"] == "旧"
    response = api.patch(f"{BASE}{activity.pk}", {"version": activity.version, "subject": "新", "notes": "补充"})
    assert response.status_code == 200 and response.json()["version"] == activity.version + 1
    stale = api.patch(f"{BASE}{activity.pk}", {"version": activity.version, "subject": "再改"})
    assert stale.status_code == 409 and stale.json()["message"]
    assert Activity.objects.get(pk=activity.pk).subject == "新"
    assert api.delete(f"{BASE}{activity.pk}").status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_rep_cannot_read_change_or_delete_another_reps_follow_up(org, api_for):
    theirs = make_activity(org.rep_a2, make_customer(org.rep_a2))
    api = api_for(org.rep_a)
    assert api.get(f"{BASE}{theirs.pk}").status_code == 404
    assert api.patch(f"{BASE}{theirs.pk}", {"version": theirs.version, "subject": "x"}).status_code == 404
    assert api.delete(f"{BASE}{theirs.pk}").status_code == 404
    assert api_for(org.manager_west).get(f"{BASE}{theirs.pk}").status_code == 404
    assert api_for(org.manager_east).get(f"{BASE}{theirs.pk}").status_code == 200
    assert Activity.objects.get(pk=theirs.pk).subject == theirs.subject
