"""Splitting by hand on the plan page: a node's parts over time (the sub-periods of the period shown) or over the
organisation (its child teams and reps), what is left to allocate recomputed on the server as one types, refused
naming the node and the difference unless the parts add up, and a stale version refused; the API does the same."""

from decimal import Decimal

import pytest

from salesflow.performance.models import Target
from salesflow.performance.targets import services
from salesflow.testing.api_client import ApiClient
from salesflow.testing.queries import assert_pinned

pytestmark = pytest.mark.django_db


def amount(plan, node, period):
    return Target.objects.get(plan=plan, node=node, period=period, dimension="").amount


def test_the_plan_page_opens_the_by_hand_editor_with_the_present_parts(org, client_for, plan):
    page = client_for(org.director).get(f"/performance/targets/{plan.pk}/",
                                        {"hand": "company", "axis": "time", "period": "2026"}).content.decode()
    assert 'data-testid="hand-form"' in page and 'name="part:2026-Q1" value="300000.00"' in page
    assert "全部已分配" in page
    org_page = client_for(org.director).get(f"/performance/targets/{plan.pk}/",
                                            {"hand": "company", "axis": "org"}).content.decode()
    assert f'name="part:team:{org.hq.pk}"' in org_page and "待分配：¥1,200,000.00" in org_page


def test_preview_recomputes_what_is_left_without_saving(org, client_for, plan):
    c = client_for(org.director)
    data = {"hand": "company", "axis": "time", "period": "2026", "action": "preview", "part:2026-Q1": "400000",
            "part:2026-Q2": "300000", "part:2026-Q3": "300000", "part:2026-Q4": "100000"}
    partial = c.post(f"/performance/targets/{plan.pk}/by-hand/", data, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="hand-left"' in partial and 'data-left="100000.00"' in partial and "<html" not in partial
    full = c.post(f"/performance/targets/{plan.pk}/by-hand/", data).content.decode()
    assert 'name="part:2026-Q1" value="400000.00"' in full and "待分配：¥100,000.00" in full
    assert amount(plan, "company", "2026-Q1") == Decimal("300000.00")


def test_a_time_split_by_hand_that_adds_up_is_saved_and_the_months_follow(org, client_for, plan):
    response = client_for(org.director).post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": "company", "axis": "time", "period": "2026", "version": plan.version, "part:2026-Q1": "600000",
        "part:2026-Q2": "200000", "part:2026-Q3": "200000", "part:2026-Q4": "200000"})
    assert response.status_code == 302
    assert amount(plan, "company", "2026-Q1") == Decimal("600000.00")
    assert [amount(plan, "company", f"2026-0{m}") for m in (1, 2, 3)] == [Decimal("200000.00")] * 3
    assert [c for c in services.check_plan(plan) if c.axis == "time"] == []


def test_parts_that_do_not_add_up_are_refused_naming_the_node_and_the_difference(org, client_for, plan):
    page = client_for(org.director).post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": "company", "axis": "time", "period": "2026", "version": plan.version, "part:2026-Q1": "300000",
        "part:2026-Q2": "300000", "part:2026-Q3": "300000", "part:2026-Q4": "299999.99"}).content.decode()
    assert "公司 2026" in page and "+0.01" in page and 'value="299999.99"' in page
    assert amount(plan, "company", "2026-Q4") == Decimal("300000.00")


def test_an_org_split_by_hand_sets_the_childrens_years_and_refuses_a_gap(org, client_for, plan):
    c = client_for(org.director)
    refused = c.post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": "company", "axis": "org", "period": "2026", "version": plan.version,
        f"part:team:{org.hq.pk}": "1000000"}).content.decode()
    assert "公司 2026" in refused and "+200000.00" in refused
    plan.refresh_from_db()
    c.post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": "company", "axis": "org", "period": "2026", "version": plan.version,
        f"part:team:{org.hq.pk}": "1200000"})
    assert amount(plan, f"team:{org.hq.pk}", "2026") == Decimal("1200000.00")
    assert amount(plan, f"team:{org.hq.pk}", "2026-03") == Decimal("100000.00")


def test_a_stale_version_is_refused_and_nothing_changes(org, client_for, plan):
    old = plan.version
    services.set_cell(actor=org.director, plan=plan, node="company", period="2026-Q1", amount="300000")
    page = client_for(org.director).post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": "company", "axis": "time", "period": "2026", "version": old, "part:2026-Q1": "600000",
        "part:2026-Q2": "200000", "part:2026-Q3": "200000", "part:2026-Q4": "200000"}).content.decode()
    assert "已被他人修改" in page or "changed by someone else" in page
    assert amount(plan, "company", "2026-Q1") == Decimal("300000.00")


def test_a_manager_splits_his_team_by_hand_but_not_the_company(org, client_for, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    plan.refresh_from_db()
    c = client_for(org.manager_east)
    east1 = f"team:{org.east1.pk}"
    total = amount(plan, east1, "2026")
    page = c.get(f"/performance/targets/{plan.pk}/", {"hand": east1, "axis": "org"}).content.decode()
    assert f'name="part:user:{org.rep_a.pk}"' in page
    c.post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": east1, "axis": "org", "period": "2026", "version": plan.version,
        f"part:user:{org.rep_a.pk}": str(total - 100), f"part:user:{org.rep_a2.pk}": "100"})
    assert amount(plan, f"user:{org.rep_a2.pk}", "2026") == Decimal("100.00")
    assert 'data-testid="hand-form"' not in c.get(f"/performance/targets/{plan.pk}/",
                                                   {"hand": "company", "axis": "org"}).content.decode()
    assert c.post(f"/performance/targets/{plan.pk}/by-hand/", {
        "hand": "company", "axis": "org", "period": "2026", f"part:team:{org.hq.pk}": "1200000"}).status_code == 403


def test_the_api_split_by_hand_with_exact_refuses_the_same_way(org, plan):
    client = ApiClient(org.director)
    response = client.post(f"/api/v1/performance/targets/plans/{plan.pk}/split", {
        "axis": "time", "node": "company", "method": "manual", "within": "2026",
        "amounts": {"2026-Q1": "1", "2026-Q2": "2", "2026-Q3": "3", "2026-Q4": "4"}})
    assert response.status_code == 422 and ApiClient.fields(response) == {"amounts"}
    ok = client.post(f"/api/v1/performance/targets/plans/{plan.pk}/split", {
        "axis": "org", "node": "company", "method": "manual", "exact": True,
        "amounts": {f"team:{org.hq.pk}": "1200000.00"}})
    assert ok.status_code == 200, ok.content


def test_the_plan_page_with_the_editor_open_has_a_pinned_query_count(org, client_for, plan):
    from salesflow.testing import factories

    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            factories.make_user(f"extra{next(counter)}", team=org.west)

    assert_pinned(client_for(org.director), f"/performance/targets/{plan.pk}/?hand=team:{org.west.pk}&axis=org",
                  grow, 12)
