"""Commission pages: who sees which statement, the status actions, XLSX/PDF read back, plans and their tier table,
what-if writes nothing, the home tile, pinned query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from salesflow.core.models import AuditEntry
from salesflow.core.periods import parse_period
from salesflow.core.registry import tiles_for
from salesflow.performance.commission import services
from salesflow.performance.models import CommissionPlan, CommissionStatement, CommissionTier, StatementLine
from salesflow.testing.queries import assert_pinned

from .commission_helpers import approve_target, make_plan, signed

OCT = parse_period("2026-10")


@pytest.fixture
def statements(org):
    make_plan()
    make_plan(role="manager", name="经理方案", base=30)
    for rep in (org.rep_a, org.rep_b):
        approve_target(rep, "2026-10", 100000)
        signed(rep, "120000")
    return {rep.username: services.compute_statement(user=rep, period=OCT) for rep in (org.rep_a, org.rep_b)}


def _listed(client):
    response = client.get(reverse("performance:commission-statements"))
    assert response.status_code == 200
    return {s.user.username for s in response.context["page"].object_list}


def test_statements_list_shows_a_rep_their_own_a_manager_their_subtree_and_finance_all(org, statements, client_for):
    assert _listed(client_for(org.rep_a)) == {"rep_a"}
    assert _listed(client_for(org.manager_east)) == {"rep_a"}
    assert _listed(client_for(org.finance)) == {"rep_a", "rep_b"}


def test_a_rep_cannot_open_or_export_another_reps_statement(org, statements, client_for):
    other = statements["rep_b"]
    client = client_for(org.rep_a)
    for url in (reverse("performance:commission-statement", args=[other.pk]),
                reverse("performance:commission-statement-export", args=[other.pk, "xlsx"]),
                reverse("performance:commission-statement-export", args=[other.pk, "pdf"])):
        assert client.get(url).status_code == 404


def test_statements_filter_by_period_and_status(org, statements, client_for):
    client = client_for(org.finance)
    assert client.get(reverse("performance:commission-statements"), {"period": "2026-09"}).context[
        "page"].paginator.count == 0
    assert client.get(reverse("performance:commission-statements"), {"status": "draft", "period": "2026-10"}).context[
        "page"].paginator.count == 2


def test_manager_confirms_and_finance_approves_on_the_statement_page(org, statements, client_for):
    statement = statements["rep_a"]
    page = client_for(org.manager_east).get(reverse("performance:commission-statement", args=[statement.pk]))
    assert page.context["can_confirm"] and not page.context["can_approve"]
    assert client_for(org.rep_a).post(reverse("performance:commission-statement-action",
                                              args=[statement.pk, "confirm"])).status_code == 403
    client_for(org.manager_east).post(reverse("performance:commission-statement-action",
                                              args=[statement.pk, "confirm"]), {"version": statement.version})
    client_for(org.finance).post(reverse("performance:commission-statement-action", args=[statement.pk, "approve"]))
    statement.refresh_from_db()
    assert statement.status == CommissionStatement.Status.APPROVED


def test_statement_xlsx_and_pdf_read_back_with_every_line_and_the_total(org, statements, client_for):
    statement = statements["rep_a"]
    client = client_for(org.rep_a)
    response = client.get(reverse("performance:commission-statement-export", args=[statement.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + statement.lines.count() + 1
    assert Decimal(str(rows[-1][7])) == statement.total == sum(Decimal(str(r[7])) for r in rows[1:-1])
    response = client.get(reverse("performance:commission-statement-export", args=[statement.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "提成单" in text and "rep_a" in text and f"{statement.total:,}" in text


def test_admin_creates_a_plan_with_its_tier_table_and_sees_field_errors_in_chinese(org, client_for):
    client = client_for(org.admin)
    data = {"name": "高级销售", "role": "rep", "effective_from": "2026-01-01", "ote": "20000", "base_percent": "50",
            "variable_percent": "50", "basis": "signed_amount", "decelerator_factor": "0.5", "active": "on",
            "tiers-TOTAL_FORMS": "3", "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "12", "tiers-0-from_percent": "0", "tiers-0-to_percent": "100",
            "tiers-0-rate": "3", "tiers-1-from_percent": "120", "tiers-1-rate": "6"}
    response = client.post(reverse("performance:commission-plan-new"), data)
    assert response.status_code == 200 and "连续" in response.content.decode()
    assert not CommissionPlan.objects.exists()
    data["tiers-1-from_percent"] = "100"
    response = client.post(reverse("performance:commission-plan-new"), data)
    assert response.status_code == 302
    plan = CommissionPlan.objects.get()
    assert list(plan.tiers.values_list("from_percent", "to_percent", "rate")) == [
        (0, 100, 3), (100, None, 6)]
    assert client_for(org.rep_a).get(reverse("performance:commission-plans")).status_code == 403


def test_what_if_shows_cost_per_rep_beside_the_current_plan_and_writes_nothing(org, client_for):
    plan = make_plan()
    for rep in (org.rep_a, org.rep_b):
        approve_target(rep, "2026-10", 100000)
        signed(rep, "100000")
    counts = lambda: (CommissionPlan.objects.count(), CommissionTier.objects.count(),  # noqa: E731
                      CommissionStatement.objects.count(), StatementLine.objects.count(), AuditEntry.objects.count())
    before = counts()
    data = {"ote": "10000", "base_percent": "70", "variable_percent": "30", "basis": "signed_amount",
            "decelerator_factor": "0.5", "tiers-TOTAL_FORMS": "1", "tiers-INITIAL_FORMS": "0",
            "tiers-MIN_NUM_FORMS": "0", "tiers-MAX_NUM_FORMS": "12", "tiers-0-from_percent": "0",
            "tiers-0-rate": "5", "simulate": "1"}
    from salesflow.performance.commission import whatif
    result = whatif.simulate(plan=plan, changed=CommissionPlan(**{**{f: getattr(plan, f) for f in (
        "ote", "base_percent", "variable_percent", "basis", "decelerator_factor")}}), tiers=[(0, None, 5)],
        period=OCT)
    assert {r.user.username: (r.current, r.changed) for r in result.rows}["rep_a"] == (
        Decimal("10000.00"), Decimal("12000.00"))  # base 7,000 + 3,000 now; + 5,000 with a flat 5%
    response = client_for(org.admin).post(reverse("performance:commission-whatif", args=[plan.pk]), data)
    assert response.status_code == 200 and response.context["result"] is not None
    assert counts() == before
    assert CommissionTier.objects.filter(plan=plan).count() == 3


def test_applying_a_what_if_saves_the_plan_through_the_plan_service(org, client_for):
    plan = make_plan()
    data = {"ote": "12000", "base_percent": "60", "variable_percent": "40", "basis": "signed_amount",
            "decelerator_factor": "0.5", "tiers-TOTAL_FORMS": "1", "tiers-INITIAL_FORMS": "0",
            "tiers-MIN_NUM_FORMS": "0", "tiers-MAX_NUM_FORMS": "12", "tiers-0-from_percent": "0",
            "tiers-0-rate": "5", "apply": "1", "version": plan.version}
    assert client_for(org.admin).post(reverse("performance:commission-whatif", args=[plan.pk]),
                                      data).status_code == 302
    plan.refresh_from_db()
    assert (plan.ote, plan.base_percent, plan.tiers.count(), plan.version) == (Decimal("12000.00"), 60, 1, 2)


def test_home_tile_shows_a_reps_expected_commission_and_is_hidden_without_a_plan(org, statements):
    assert [t for t in tiles_for(org.rep_a) if t.name == "commission-this-month"]
    CommissionPlan.objects.update(active=False)
    assert not [t for t in tiles_for(org.rep_a) if t.name == "commission-this-month"]


def test_statement_list_and_page_query_counts_are_pinned(org, client_for):
    make_plan()
    reps = []

    def grow(n):
        from salesflow.testing.factories import make_user
        for _ in range(n):
            rep = make_user(team=org.east1)
            reps.append(rep)
            services.compute_statement(user=rep, period=OCT)

    assert_pinned(client_for(org.finance), reverse("performance:commission-statements"), grow, 5)


def test_statement_page_and_plan_list_query_counts_are_pinned(org, client_for):
    make_plan()
    approve_target(org.rep_a, "2026-10", 100000)
    statement = services.compute_statement(user=org.rep_a, period=OCT)

    def more_lines(n):
        for i in range(n):
            signed(org.rep_a, "1000", datetime.date(2026, 10, 1 + i % 28))
        services.compute_statement(user=org.rep_a, period=OCT)

    assert_pinned(client_for(org.rep_a), reverse("performance:commission-statement", args=[statement.pk]),
                  more_lines, 5)

    def more_plans(n):
        for _ in range(n):
            make_plan(name="p")

    assert_pinned(client_for(org.admin), reverse("performance:commission-plans"), more_plans, 6)
