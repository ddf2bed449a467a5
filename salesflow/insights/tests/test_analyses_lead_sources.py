"""Lead-source efficiency and lead source costs (form, API, importer): figures, definitions, permissions."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.core.models import AuditEntry
from salesflow.leads.costs import set_source_cost
from salesflow.leads.models import Lead, LeadSource, SourceCost
from salesflow.pipeline.models import Opportunity
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned

MAY = timezone.make_aware(datetime.datetime(2026, 5, 10, 10, 0))


def _lead(owner, source, status="new", converted_into=None, created=MAY):
    lead = Lead.objects.create(company="线索公司", owner=owner, team=owner.team, source=source, status=status)
    changes = {"created_at": created}
    if converted_into is not None:
        changes.update(status="converted", converted_customer=converted_into,
                       converted_at=created + datetime.timedelta(days=5))
    Lead.objects.filter(pk=lead.pk).update(**changes)
    return lead


@pytest.fixture
def fair(db):
    return LeadSource.objects.get_or_create(name="展会", defaults={"channel": "outbound"})[0]


def _row(user, period="2026-Q2", name="展会"):
    report = ApiClient(user).get(f"/api/v1/insights/analyses/lead-sources?period={period}").json()
    return report, next(r for r in report["rows"] if r["source"] == name)


def test_counts_conversion_won_customers_and_costs_per_source(org, fair):
    won_by_deal, won_by_contract, not_won = (make_customer(org.rep_a) for _ in range(3))
    _lead(org.rep_a, fair)
    _lead(org.rep_a, fair, status="qualified")
    _lead(org.rep_a, fair, converted_into=won_by_deal)
    _lead(org.rep_a, fair, converted_into=won_by_contract)
    _lead(org.rep_a, fair, converted_into=not_won)
    deal = open_opportunity(actor=org.rep_a, customer=won_by_deal, subject="成交", amount=100)
    Opportunity.objects.filter(pk=deal.pk).update(status="won", closed_at=MAY + datetime.timedelta(days=30))
    make_agreement(org.rep_a, customer=won_by_contract, signed_on=datetime.date(2026, 6, 1), plan=[])
    make_agreement(org.rep_a, customer=not_won, signed_on=datetime.date(2026, 5, 1), plan=[])  # before conversion
    _lead(org.rep_a, fair, created=MAY.replace(month=8))  # another quarter
    set_source_cost(actor=org.director, source=fair, month=datetime.date(2026, 4, 1), amount="3000")
    set_source_cost(actor=org.director, source=fair, month=datetime.date(2026, 6, 1), amount="2000")
    set_source_cost(actor=org.director, source=fair, month=datetime.date(2026, 7, 1), amount="9999")
    _report, row = _row(org.director)
    assert (row["leads"], row["qualified"], row["converted"], row["won_customers"]) == (5, 4, 3, 2)
    assert row["conversion_pct"] == "60.0" and row["cost"] == "5000.00"
    assert row["cost_per_lead"] == "1000.00" and row["cost_per_won_customer"] == "2500.00"


def test_each_count_clicks_through_to_a_list_of_that_many_records(org, fair, client_for):
    customer = make_customer(org.rep_a)
    for _ in range(3):
        _lead(org.rep_a, fair)
    _lead(org.rep_a, fair, converted_into=customer)
    make_agreement(org.rep_a, customer=customer, signed_on=datetime.date(2026, 6, 20), plan=[])
    _report, row = _row(org.director)
    client = client_for(org.director)
    assert client.get(row["leads_url"]).context["page"].paginator.count == row["leads"] == 4
    assert client.get(row["converted_url"]).context["page"].paginator.count == row["converted"] == 1
    assert [c.pk for c in client.get(row["won_customers_url"]).context["page"]] == [customer.pk]


def test_the_qualified_count_clicks_through_to_the_qualified_and_converted_leads(org, fair, client_for):
    customer = make_customer(org.rep_a)
    for status in ("new", "contacted", "qualified", "qualified", "disqualified"):
        _lead(org.rep_a, fair, status=status)
    _lead(org.rep_a, fair, converted_into=customer)
    _lead(org.rep_a, fair, status="qualified", created=MAY.replace(month=8))  # another quarter
    _report, row = _row(org.director)
    listed = client_for(org.director).get(row["qualified_url"]).context["page"]
    assert listed.paginator.count == row["qualified"] == 3
    assert sorted(lead.status for lead in listed) == ["converted", "qualified", "qualified"]
    page = client_for(org.director).get("/insights/analyses/lead-sources/?period=2026-Q2").content.decode()
    assert f'href="{row["qualified_url"]}"'.replace("&", "&amp;") in page


def test_a_manager_sees_his_teams_leads_and_no_company_costs(org, fair, client_for):
    _lead(org.rep_a, fair)
    _lead(org.rep_b, fair)
    set_source_cost(actor=org.director, source=fair, month=datetime.date(2026, 5, 1), amount="100")
    report, row = _row(org.manager_east)
    assert row["leads"] == 1 and report["with_costs"] is False and row["cost"] is None
    assert _row(org.director)[1]["leads"] == 2
    page = client_for(org.manager_east).get("/insights/analyses/lead-sources/?period=2026-Q2").content.decode()
    assert "单条线索成本" not in page and "仅在查看全公司" in page


def test_no_leads_gives_no_invented_rates(org, fair, client_for):
    set_source_cost(actor=org.director, source=fair, month=datetime.date(2026, 5, 1), amount="100")
    _report, row = _row(org.director)
    assert row["leads"] == 0 and row["conversion_pct"] is None and row["cost_per_lead"] is None
    page = client_for(org.director).get("/insights/analyses/lead-sources/?period=2026-Q2").content.decode()
    assert "暂无数据" in page


def test_page_api_and_cli_agree(org, fair, client_for):
    _lead(org.rep_a, fair)
    _lead(org.rep_a, fair, status="qualified")
    set_source_cost(actor=org.director, source=fair, month=datetime.date(2026, 5, 1), amount="100")
    api = ApiClient(org.director).get("/api/v1/insights/analyses/lead-sources?period=2026-Q2").json()
    out = io.StringIO()
    call_command("report", "lead-sources", "--json", "--user", "director", "--period", "2026-Q2", stdout=out)
    assert json.loads(out.getvalue()) == api
    page = client_for(org.director).get("/insights/analyses/lead-sources/?period=2026-Q2")
    assert page.context["report"]["rows"][0]["leads"] == api["rows"][0]["leads"]


def test_costs_are_entered_by_admins_and_directors_only_and_audited(org, fair, client_for):
    response = client_for(org.director).post("/insights/analyses/lead-sources/costs/",
                                             {"source": fair.pk, "month": "2026-07", "amount": "1500", "note": "x"})
    assert response.status_code == 302
    cost = SourceCost.objects.get()
    assert (cost.month, cost.amount) == (datetime.date(2026, 7, 1), Decimal("1500.00"))
    client_for(org.director).post("/insights/analyses/lead-sources/costs/",
                                  {"source": fair.pk, "month": "2026-07", "amount": "1800"})
    assert SourceCost.objects.get().amount == Decimal("1800.00")  # the same month changed, not doubled
    assert AuditEntry.objects.filter(object_id=str(cost.pk)).count() >= 2
    assert client_for(org.manager_east).get("/insights/analyses/lead-sources/costs/").status_code == 403
    with pytest.raises(PermissionDenied):
        set_source_cost(actor=org.rep_a, source=fair, month=datetime.date(2026, 7, 1), amount="1")


def test_the_cost_form_names_the_bad_field_in_chinese(org, fair, client_for):
    response = client_for(org.director).post("/insights/analyses/lead-sources/costs/",
                                             {"source": fair.pk, "month": "2026-13", "amount": "-5"})
    assert response.status_code == 200
    assert "月份" in response.content.decode() and not SourceCost.objects.exists()


def test_the_cost_api_records_lists_and_refuses(org, fair):
    api = ApiClient(org.admin)
    made = api.client.put("/api/v1/insights/analyses/source-costs",
                          json.dumps({"source_id": fair.pk, "month": "2026-03", "amount": "700.5"}),
                          content_type="application/json", **api.auth)
    assert made.status_code == 200 and made.json()["month"] == "2026-03-01"
    assert api.get("/api/v1/insights/analyses/source-costs").json()["items"][0]["amount"] == "700.50"
    bad = api.client.put("/api/v1/insights/analyses/source-costs",
                         json.dumps({"source_id": fair.pk, "month": "March", "amount": "1"}),
                         content_type="application/json", **api.auth)
    assert bad.status_code in (400, 422) and "month" in bad.content.decode()
    nul = api.client.put("/api/v1/insights/analyses/source-costs",
                         json.dumps({"source_id": fair.pk, "month": "2026-03\u0000", "amount": "1"}),
                         content_type="application/json", **api.auth)
    assert nul.status_code == 422
    assert ApiClient(org.manager_east).get("/api/v1/insights/analyses/source-costs").status_code == 403


def test_import_reports_every_bad_row_and_writes_nothing(org, fair, tmp_path):
    bad = tmp_path / "costs.csv"
    bad.write_text("线索来源,月份,金额\n展会,2026-07,100\n无此来源,2026-07,1\n展会,2026-13,-2\n", encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("import", "source-costs", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert "3 problems" in str(failure.value) or "problems" in str(failure.value)
    assert not SourceCost.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text("source,month,amount\n展会,2026-07,100\n展会,2026-08,200.5\n", encoding="utf-8")
    call_command("import", "source-costs", str(good), stdout=io.StringIO())
    assert sorted(SourceCost.objects.values_list("amount", flat=True)) == [Decimal("100.00"), Decimal("200.50")]


def test_lead_source_page_and_api_run_a_fixed_number_of_queries(org, fair, client_for):
    def grow(n):
        for _ in range(n):
            _lead(org.rep_a, fair, converted_into=make_customer(org.rep_a))
    assert_pinned(client_for(org.director), "/insights/analyses/lead-sources/?period=2026-Q2", grow, 8)


def test_lead_source_api_runs_a_fixed_number_of_queries(org, fair):
    def grow(n):
        for _ in range(n):
            _lead(org.rep_a, fair, converted_into=make_customer(org.rep_a))
    api = ApiClient(org.director)
    assert_pinned(api.client, "/api/v1/insights/analyses/lead-sources?period=2026-Q2", grow, 5, **api.auth)


def test_source_cost_page_runs_a_fixed_number_of_queries(org, fair, client_for):
    def grow(n):
        start = SourceCost.objects.count()
        for i in range(n):
            set_source_cost(actor=None, source=fair, month=datetime.date(2000 + start + i, 1, 1), amount="1")
    assert_pinned(client_for(org.director), "/insights/analyses/lead-sources/costs/", grow, 5)


@pytest.mark.parametrize("text", ["2026/07", "2026-7", "2026-13", "", "七月"])
def test_a_month_not_written_as_yyyy_mm_is_refused_naming_the_month(text):
    from django.core.exceptions import ValidationError

    from salesflow.leads.costs import parse_month

    with pytest.raises(ValidationError) as refused:
        parse_month(text)
    assert set(refused.value.message_dict) == {"month"}
