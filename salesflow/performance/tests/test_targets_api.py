"""Targets API: planning a year, errors naming the field, completion, and who may do what."""

from salesflow.performance.models import TargetPlan
from salesflow.testing import factories
from salesflow.testing.api_client import ApiClient
from salesflow.testing.queries import assert_pinned

BASE = "/api/v1/performance/targets"


def test_a_director_plans_a_year_through_the_api(org):
    api = ApiClient(org.director)
    created = api.post(f"{BASE}/plans", {"year": 2026, "measure": "signed_amount", "total": "1200000.00"})
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    detail = api.get(f"{BASE}/plans/{plan_id}").json()
    assert {m["axis"] for m in detail["mismatches"]} == {"org"}
    split = api.post(f"{BASE}/plans/{plan_id}/split", {"axis": "org", "method": "headcount", "cascade": True})
    assert split.status_code == 200 and split.json()["cells"] > 0
    assert api.get(f"{BASE}/plans/{plan_id}").json()["mismatches"] == []
    approved = api.post(f"{BASE}/plans/{plan_id}/approve", {})
    assert approved.json()["status"] == "approved"
    revised = api.post(f"{BASE}/plans/{plan_id}/revise")
    assert revised.status_code == 201 and revised.json()["revision"] == 2
    assert [p["revision"] for p in api.get(f"{BASE}/plans").json()] == [2, 1]


def test_errors_are_4xx_json_naming_the_field(org, plan):
    api = ApiClient(org.director)
    bad = api.post(f"{BASE}/plans", {"year": 2026, "measure": "signed_amount", "total": "1"})
    assert bad.status_code == 422 and ApiClient.fields(bad) == {"year"}
    bad = api.post(f"{BASE}/plans/{plan.pk}/cells", {"node": "company", "period": "2031-Q1", "amount": "5"})
    assert bad.status_code == 422 and ApiClient.fields(bad) == {"period"}
    bad = api.post(f"{BASE}/plans/{plan.pk}/approve", {})
    assert bad.status_code == 422 and "计划未对齐" in bad.json()["errors"][0]["message"]
    bad = api.post(f"{BASE}/plans/{plan.pk}/cells", {"node": "company", "period": "2026", "amount": "5",
                                                     "version": plan.version + 5})
    assert bad.status_code == 409
    assert api.get(f"{BASE}/completion?period=2026-13").status_code == 422
    assert ApiClient.fields(api.get(f"{BASE}/completion?period=2026-Q4&measure=nope")) == {"measure"}


def test_a_rep_proposes_for_themself_sees_only_their_node_and_cannot_plan(org, plan):
    api = ApiClient(org.rep_a)
    assert api.post(f"{BASE}/plans/{plan.pk}/proposals", {"node": f"user:{org.rep_a.pk}", "period": "2026",
                                                          "amount": "300000"}).status_code == 200
    assert api.post(f"{BASE}/plans/{plan.pk}/proposals", {"node": f"user:{org.rep_b.pk}", "period": "2026",
                                                          "amount": "1"}).status_code == 403
    assert api.post(f"{BASE}/plans/{plan.pk}/split", {"axis": "time", "method": "even"}).status_code == 403
    assert api.post(f"{BASE}/plans/{plan.pk}/approve", {}).status_code == 403
    assert api.post(f"{BASE}/plans", {"year": 2027, "measure": "signed_amount", "total": "1"}).status_code == 403
    cells = api.get(f"{BASE}/plans/{plan.pk}").json()["cells"]
    assert {c["node"] for c in cells} == {f"user:{org.rep_a.pk}"}
    rows = api.get(f"{BASE}/completion?period=2026-Q4").json()["rows"]
    assert [r["node"] for r in rows] == [f"user:{org.rep_a.pk}"] and rows[0]["note"] == "未设目标"
    assert api.get(f"{BASE}/completion?period=2026-Q4&node=company").status_code == 403


def test_a_manager_splits_their_team_but_not_another(org, plan):
    ApiClient(org.director).post(f"{BASE}/plans/{plan.pk}/split", {"axis": "org", "method": "headcount"})
    api = ApiClient(org.manager_east)
    assert api.post(f"{BASE}/plans/{plan.pk}/split", {"axis": "org", "node": f"team:{org.hq.pk}",
                                                      "method": "headcount"}).status_code == 403
    ApiClient(org.director).post(f"{BASE}/plans/{plan.pk}/split", {"axis": "org", "node": f"team:{org.hq.pk}",
                                                                   "method": "headcount"})
    assert api.post(f"{BASE}/plans/{plan.pk}/split", {"axis": "org", "node": f"team:{org.east.pk}",
                                                      "method": "headcount", "cascade": True}).status_code == 200
    assert api.post(f"{BASE}/plans/{plan.pk}/split", {"axis": "org", "node": f"team:{org.west.pk}",
                                                      "method": "headcount"}).status_code == 403
    assert TargetPlan.objects.get(pk=plan.pk).status == "draft"


def test_api_reads_query_counts_are_pinned(org, plan):
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            factories.make_user(f"extra{next(counter)}", team=org.west)

    api = ApiClient(org.director)
    assert_pinned(api.client, f"{BASE}/completion?period=2026-Q4", grow, 7, **api.auth)
    assert_pinned(api.client, f"{BASE}/plans/{plan.pk}", grow, 5, **api.auth)
    assert_pinned(api.client, f"{BASE}/plans", grow, 2, **api.auth)
