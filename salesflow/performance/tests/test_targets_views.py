"""Target pages: planning a year through the forms, what each role sees, the home tile, pinned query counts."""

import datetime

import pytest

from salesflow.performance.models import Target, TargetPlan
from salesflow.performance.targets import services
from salesflow.testing import factories
from salesflow.testing.queries import assert_pinned


def test_a_director_plans_a_year_through_the_pages(org, client_for):
    c = client_for(org.director)
    response = c.post("/performance/targets/new/", {"year": "2026", "measure": "signed_amount",
                                                    "total": "1200000", "time_split": "even"})
    plan = TargetPlan.objects.get(year=2026)
    assert response.status_code == 302 and response.url == f"/performance/targets/{plan.pk}/"
    page = c.get(f"/performance/targets/{plan.pk}/").content.decode()
    assert "未对齐" in page or "差" in page
    c.post(f"/performance/targets/{plan.pk}/split/", {"axis": "org", "node": "company", "method": "headcount",
                                                       "cascade": "on"})
    page = c.get(f"/performance/targets/{plan.pk}/?period=2026-Q2").content.decode()
    assert "每个上级都等于其下级之和" in page
    c.post(f"/performance/targets/{plan.pk}/approve/", {})
    plan.refresh_from_db()
    assert plan.status == "approved"
    assert Target.objects.filter(plan=plan, node=f"user:{org.rep_b.pk}").count() == 17


def test_approving_a_plan_that_does_not_add_up_shows_why(org, client_for, plan):
    response = client_for(org.director).post(f"/performance/targets/{plan.pk}/approve/", {}, follow=True)
    assert "计划未对齐" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_rep_submits_their_figure_but_cannot_split_or_approve(org, client_for, plan):
    c = client_for(org.rep_a)
    page = c.get(f"/performance/targets/{plan.pk}/").content.decode()
    assert 'data-testid="propose"' in page and 'data-testid="split-org"' not in page
    assert f'data-node="user:{org.rep_b.pk}"' not in page and "company" not in page.split("plan-rows")[1]
    c.post(f"/performance/targets/{plan.pk}/propose/", {"node": f"user:{org.rep_a.pk}", "period": "2026",
                                                         "amount": "420000"})
    assert Target.objects.get(plan=plan, node=f"user:{org.rep_a.pk}", period="2026").proposed == 420000
    assert c.post(f"/performance/targets/{plan.pk}/split/", {"axis": "org", "node": "company",
                                                            "method": "headcount"}).status_code == 403
    assert c.post(f"/performance/targets/{plan.pk}/approve/", {}).status_code == 403
    assert c.post("/performance/targets/new/", {"year": "2027", "measure": "signed_amount",
                                                "total": "1"}).status_code == 403


def test_the_plan_forms_pass_their_fields_and_a_stale_version_is_refused(org, client_for, plan):
    c, base, node = client_for(org.director), f"/performance/targets/{plan.pk}", f"user:{org.rep_a.pk}"
    opened = plan.version
    response = c.post(f"{base}/split/", {"axis": "time", "node": "company", "method": "even", "version": opened})
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.version > opened
    cell = {"node": node, "period": "2026-01", "amount": "1000"}
    page = c.post(f"{base}/cell/", {**cell, "version": opened}, follow=True).content.decode()
    assert "您打开此记录后，它已被他人修改" in page
    assert not Target.objects.filter(plan=plan, node=node, period="2026-01", amount=1000).exists()
    response = c.post(f"{base}/cell/", {**cell, "version": plan.version})
    assert response.url == f"{base}/?period=2026-01"
    assert Target.objects.get(plan=plan, node=node, period="2026-01").amount == 1000
    plan.refresh_from_db()
    assert "已保存" in c.post(f"{base}/roll-up/", {"version": plan.version}, follow=True).content.decode()
    assert Target.objects.get(plan=plan, node=node, period="2026").amount == 1000  # the rep's year from its months
    c.post(f"{base}/approve/", {})
    response = c.post(f"{base}/revise/", {})
    draft = TargetPlan.objects.get(year=2026, status="draft")
    assert draft.revision == plan.revision + 1 and response.url == f"/performance/targets/{draft.pk}/"


def test_completion_page_and_home_tile_for_a_rep(org, client_for, plan, signed):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.approve_plan(actor=org.director, plan=plan)
    c = client_for(org.rep_a)
    page = c.get("/performance/targets/completion/?period=2026-Q4").content.decode()
    assert f'data-node="user:{org.rep_a.pk}"' in page and f'data-node="user:{org.rep_b.pk}"' not in page
    assert "暂无数据" in page
    signed(org.rep_a, datetime.date(2026, 10, 8), "50000")
    home = c.get("/").content.decode()
    assert "本季度目标完成率" in home and 'data-testid="target-tile"' in home
    assert "/performance/targets/completion/?period=2026-Q4" in home


def test_the_home_tile_is_hidden_without_an_approved_plan(org, client_for, plan):
    assert "本季度目标完成率" not in client_for(org.rep_a).get("/").content.decode()


def test_an_admin_changes_the_colour_thresholds_and_nobody_else_may(org, client_for):
    assert client_for(org.director).post("/performance/targets/completion/settings/",
                                         {"green_ratio": "0.9", "red_ratio": "0.5"}).status_code == 403
    client_for(org.admin).post("/performance/targets/completion/settings/", {"green_ratio": "0.9",
                                                                             "red_ratio": "0.5"})
    page = client_for(org.admin).get("/performance/targets/completion/").content.decode()
    assert 'value="0.90"' in page and 'value="0.50"' in page


def _more_reps(org):
    """grow(n): n more reps in West (each a row on the plan and completion pages)."""
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            factories.make_user(f"extra{next(counter)}", team=org.west)
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("director", "/performance/targets/completion/?period=2026-Q4", 10),
    ("manager_west", "/performance/targets/completion/?period=2026-Q4", 12),  # + the team subtree
    ("director", "/performance/targets/", 5),
])
def test_target_page_query_counts_are_pinned(org, client_for, plan, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, _more_reps(org), expected)


def test_plan_page_query_count_is_pinned(org, client_for, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    assert_pinned(client_for(org.director), f"/performance/targets/{plan.pk}/", _more_reps(org), 12)  # + sign-offs


def test_a_managers_home_tile_shows_their_teams_completion_in_a_fixed_number_of_queries(org, client_for, plan,
                                                                                          signed):
    from django.utils import timezone

    from salesflow.core.periods import period_of
    from salesflow.performance.targets.completion import own_completion

    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.approve_plan(actor=org.director, plan=plan)
    quarter = period_of("quarter", timezone.localdate())
    signed(org.rep_a, quarter.start, "50000")
    signed(org.rep_b, quarter.start, "70000")  # West: not the East manager's
    row = own_completion(org.manager_east, "signed_amount", quarter)
    assert row.node == f"team:{org.east.pk}" and row.actual == 50000
    home = client_for(org.manager_east).get("/").content.decode()
    assert 'data-testid="target-tile"' in home and f"{row.completion_pct}%" in home
    # the rep's home page with a plan: salesflow/insights/tests/test_query_counts.py pins it without one (35); with
    # one, the target tile and the target panel read the target and the actual (+4)
    assert_pinned(client_for(org.rep_a), "/", _more_reps(org), 39)
