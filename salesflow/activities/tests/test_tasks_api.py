import datetime

from django.utils import timezone

from salesflow.activities.models import Activity, Task
from salesflow.activities.tests.factories import make_activity, make_plan, make_task
from salesflow.core.models import Notification
from salesflow.testing.factories import make_customer

BASE = "/api/v1/activities/tasks/"


def _due(days=1):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(microsecond=0).isoformat()


def test_manager_creates_a_task_for_a_rep_linked_to_the_reps_customer(org, api_for):
    customer = make_customer(org.rep_a)
    response = api_for(org.manager_east).post(BASE, {"title": "催回款", "due_at": _due(), "priority": 3,
                                                         "owner_id": org.rep_a.pk, "customer_id": customer.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner_id"], body["customer_id"], body["status"], body["version"]) == (
        org.rep_a.pk, customer.pk, "open", 1)
    assert Notification.objects.filter(recipient=org.rep_a, kind="task-assigned").exists()


def test_assigning_outside_the_subtree_is_403_and_an_invisible_link_is_422_naming_the_field(org, api_for):
    client = api_for(org.manager_east)
    response = client.post(BASE, {"title": "x", "due_at": _due(), "owner_id": org.rep_b.pk})
    assert response.status_code == 403
    response = client.post(BASE, {"title": "x", "due_at": _due(), "customer_id": make_customer(org.rep_b).pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert not Task.objects.exists()


def test_update_needs_the_current_version_and_a_stale_one_is_409(org, api_for):
    task = make_task(org.rep_a)
    client = api_for(org.rep_a)
    ok = client.patch(f"{BASE}{task.pk}", {"version": task.version, "title": "改了"})
    assert ok.status_code == 200 and ok.json()["title"] == "改了" and ok.json()["version"] == task.version + 1
    stale = client.patch(f"{BASE}{task.pk}", {"version": task.version, "title": "再改"})
    assert stale.status_code == 409 and "message" in stale.json()
    assert client.patch(f"{BASE}{task.pk}", {"title": "no version"}).status_code == 422


def test_done_and_reopen_through_the_api(org, api_for):
    task = make_task(org.rep_a)
    client = api_for(org.rep_a)
    done = client.post(f"{BASE}{task.pk}/done", {"version": task.version}).json()
    assert done["status"] == "done" and done["done_at"]
    again = client.post(f"{BASE}{task.pk}/done", {})
    assert again.status_code == 422
    reopened = client.post(f"{BASE}{task.pk}/reopen", {"version": done["version"]}).json()
    assert reopened["status"] == "open" and reopened["done_at"] is None


def test_rep_cannot_read_or_change_another_reps_task_and_finance_sees_none(org, api_for):
    theirs = make_task(org.rep_a2)
    rep = api_for(org.rep_a)
    assert rep.get(f"{BASE}{theirs.pk}").status_code == 404
    assert rep.post(f"{BASE}{theirs.pk}/done", {}).status_code == 404
    assert rep.patch(f"{BASE}{theirs.pk}", {"version": 1, "title": "x"}).status_code == 404
    assert rep.get(BASE).json()["count"] == 0
    assert api_for(org.manager_west).get(f"{BASE}{theirs.pk}").status_code == 404
    finance = api_for(org.finance)
    assert finance.get(f"{BASE}{theirs.pk}").status_code == 404
    assert finance.get(f"{BASE}?owner=team").json()["count"] == 0
    assert finance.post(BASE, {"title": "x", "due_at": _due()}).status_code == 403


def test_list_tabs_and_the_managers_team(org, api_for):
    make_task(org.rep_a, due=timezone.now() - datetime.timedelta(days=2))
    make_task(org.rep_a2, due=timezone.now() + datetime.timedelta(days=3))
    make_task(org.rep_b, due=timezone.now() + datetime.timedelta(days=3))
    manager = api_for(org.manager_east)
    assert manager.get(BASE).json()["count"] == 0  # the manager's own
    assert manager.get(f"{BASE}?owner=team").json()["count"] == 2
    assert manager.get(f"{BASE}?owner=team&tab=overdue").json()["count"] == 1
    assert manager.get(f"{BASE}?owner={org.rep_a2.pk}&tab=upcoming").json()["count"] == 1
    assert manager.get(f"{BASE}?tab=nonsense").status_code == 422


def test_calendar_feed_returns_the_entries_of_the_chosen_owner_in_range(org, api_for):
    today = timezone.localdate()
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer, on=today)
    visit = make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT)
    task = make_task(org.rep_a, due=timezone.now() + datetime.timedelta(minutes=1))
    make_task(org.rep_a2, due=timezone.now() + datetime.timedelta(minutes=1))
    make_task(org.rep_a, due=timezone.now() + datetime.timedelta(days=40))
    manager = api_for(org.manager_east)
    day = today.isoformat()
    response = manager.get(f"{BASE}calendar?start={day}&end={(today + datetime.timedelta(days=1)).isoformat()}"
                           f"&owner={org.rep_a.pk}")
    assert response.status_code == 200, response.content
    assert {(e["kind"], e["id"]) for e in response.json()} == {("plan", plan.pk), ("visit", visit.pk),
                                                                ("task", task.pk)}
    team = manager.get(f"{BASE}calendar?start={day}&end={(today + datetime.timedelta(days=1)).isoformat()}&owner=team")
    assert len(team.json()) == 4
    assert manager.get(f"{BASE}calendar?start={day}&end=2000-01-01").status_code == 422
    assert api_for(org.rep_b).get(f"{BASE}calendar?start={day}&end={day}&owner={org.rep_a.pk}").json() == []


def test_calendar_feed_caps_each_day_and_counts_what_it_left_out(org, api_for):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    tasks = [make_task(org.rep_a, due=start + datetime.timedelta(minutes=i)) for i in range(5)]
    make_task(org.rep_a, due=start + datetime.timedelta(days=1))
    rep = api_for(org.rep_a)
    url = f"{BASE}calendar?start={today}&end={today + datetime.timedelta(days=1)}&per_day=3"
    response = rep.get(url)
    assert response.status_code == 200, response.content
    assert [e["id"] for e in response.json() if e["kind"] == "task"][:3] == [t.pk for t in tasks[:3]]
    assert len(response.json()) == 4  # 3 of today's 5, and tomorrow's one
    assert (response["X-Calendar-Total"], response["X-Calendar-Shown"]) == ("6", "4")
    refused = rep.get(f"{BASE}calendar?start={today}&end={today}&per_day=0")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "per_day"
