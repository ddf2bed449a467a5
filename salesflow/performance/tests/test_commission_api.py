"""Commission through the API and the CLI: a rep sees only their own statement; plans are saved by the same
service as the page (Chinese field errors, 409 on a stale version); what-if writes nothing."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesflow.core.periods import parse_period
from salesflow.performance.commission import services
from salesflow.performance.models import CommissionPlan, CommissionStatement, CommissionTier, StatementLine
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_user

from .commission_helpers import approve_target, make_plan, signed

OCT = parse_period("2026-10")
BASE = "/api/v1/performance/commission"


@pytest.fixture
def statements(org):
    make_plan()
    for rep in (org.rep_a, org.rep_b):
        approve_target(rep, "2026-10", 100000)
        signed(rep, "120000")
    return {rep.username: services.compute_statement(user=rep, period=OCT) for rep in (org.rep_a, org.rep_b)}


def _usernames(response):
    assert response.status_code == 200, response.content
    return {row["username"] for row in response.json()["items"]}


def test_api_lists_a_reps_own_statements_only_and_hides_others(org, statements):
    rep = ApiClient(org.rep_a)
    assert _usernames(rep.get(f"{BASE}/statements/")) == {"rep_a"}
    assert _usernames(ApiClient(org.finance).get(f"{BASE}/statements/")) == {"rep_a", "rep_b"}
    assert _usernames(ApiClient(org.manager_east).get(f"{BASE}/statements/")) == {"rep_a"}
    assert rep.get(f"{BASE}/statements/{statements['rep_b'].pk}").status_code == 404


def test_api_statement_detail_has_every_line_adding_up_to_the_total(org, statements):
    body = ApiClient(org.rep_a).get(f"{BASE}/statements/{statements['rep_a'].pk}").json()
    assert sum(Decimal(line["commission"]) for line in body["lines"]) == Decimal(body["total"])
    assert {line["kind"] for line in body["lines"]} == {"base", "record"}


def test_api_confirm_and_approve_follow_the_order_and_roles(org, statements):
    pk = statements["rep_a"].pk
    assert ApiClient(org.rep_a).post(f"{BASE}/statements/{pk}/confirm").status_code == 403
    assert ApiClient(org.finance).post(f"{BASE}/statements/{pk}/approve").status_code == 422
    assert ApiClient(org.manager_east).post(f"{BASE}/statements/{pk}/confirm", {"version": 1}).json()[
        "status"] == "confirmed"
    assert ApiClient(org.finance).post(f"{BASE}/statements/{pk}/approve").json()["status"] == "approved"


def test_api_plan_save_reports_field_errors_in_chinese_and_refuses_a_stale_version(org):
    admin = ApiClient(org.admin)
    body = {"name": "初级销售", "role": "rep", "effective_from": "2026-01-01", "ote": "8000", "base_percent": "70",
            "variable_percent": "20", "basis": "signed_amount",
            "tiers": [{"from_percent": "0", "to_percent": "100", "rate": "3"}, {"from_percent": "100", "rate": "6"}]}
    response = admin.post(f"{BASE}/plans/", body)
    assert response.status_code == 422 and "100" in json.dumps(response.json(), ensure_ascii=False)
    body["variable_percent"] = "30"
    created = admin.post(f"{BASE}/plans/", body)
    assert created.status_code == 201, created.content
    plan = created.json()
    assert [t["rate"] for t in plan["tiers"]] == ["3.000", "6.000"]
    assert admin.client.put(f"{BASE}/plans/{plan['id']}", json.dumps({**body, "version": 1}),
                            content_type="application/json", **admin.auth).status_code == 200
    stale = admin.client.put(f"{BASE}/plans/{plan['id']}", json.dumps({**body, "version": 1}),
                             content_type="application/json", **admin.auth)
    assert stale.status_code == 409
    assert ApiClient(org.rep_a).get(f"{BASE}/plans/").status_code == 403


def test_api_what_if_returns_costs_and_writes_nothing(org, statements):
    plan = CommissionPlan.objects.get(role="rep")
    before = (CommissionPlan.objects.count(), CommissionTier.objects.count(), CommissionStatement.objects.count(),
              StatementLine.objects.count())
    response = ApiClient(org.admin).post(f"{BASE}/plans/{plan.pk}/what-if", {
        "ote": "10000", "base_percent": "70", "variable_percent": "30", "basis": "signed_amount",
        "tiers": [{"from_percent": "0", "rate": "5"}]})
    assert response.status_code == 200, response.content
    assert {"current_total", "changed_total", "rows"} <= set(response.json())
    assert before == (CommissionPlan.objects.count(), CommissionTier.objects.count(),
                      CommissionStatement.objects.count(), StatementLine.objects.count())


def test_api_statement_list_query_count_is_pinned(org):
    make_plan()
    client = ApiClient(org.finance)

    def queries():
        assert client.get(f"{BASE}/statements/").status_code == 200  # warm-up (token bookkeeping)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{BASE}/statements/").status_code == 200
        return len(captured)

    counts = []
    for n in (2, 18):
        for _ in range(n):
            services.compute_statement(user=make_user(team=org.east1), period=OCT)
        counts.append(queries())
    assert counts == [3, 3], counts  # auth, count, page


def _cli(*args):
    out = io.StringIO()
    call_command("report", "commission", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_cli_report_shows_a_rep_only_their_own_statement(org, statements):
    assert {r["user"] for r in _cli("--user", "rep_a")["rows"]} == {"rep_a"}
    assert {r["user"] for r in _cli("--user", "rep_b", "--period", "2026-10")["rows"]} == {"rep_b"}
    everything = _cli("--period", "2026-10")
    assert {r["user"] for r in everything["rows"]} == {"rep_a", "rep_b"}
    assert Decimal(str(everything["total"])) == sum(s.total for s in statements.values())
    assert _cli("--period", "2026-09")["rows"] == []
