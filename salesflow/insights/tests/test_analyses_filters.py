"""Who may open which analysis (the one rule: filters.may_analyse) and ``salesflow report NAME --team``, which goes
through the page's team filter."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.catalog.models import Product
from salesflow.contracts.models import AgreementLine
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.leads.models import Lead, LeadSource
from salesflow.testing import factories
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_customer

FINANCE_PAGES = ("churn", "rfm", "bcg", "customer-structure", "ltv")
REPORTS = ("churn", "rfm", "bcg", "lead-sources", "customer-structure", "ltv")


def _seed(org):
    """In East-1 (rep_a) and West (rep_b): a customer with a follow-up history and signed lines, and a lead."""
    today, now = timezone.localdate(), timezone.now()
    product = Product.objects.create(code="P-1", name="服务器", series="服务器", list_price=1)
    for owner, amount in ((org.rep_a, 30000), (org.rep_b, 50000)):
        customer = make_customer(owner, industry="制造", size="small", customer_class="A")
        for days in (50, 40, 30):
            Activity.objects.create(kind="call", subject="跟进", owner=owner, team=owner.team, customer=customer,
                                    occurred_at=now - datetime.timedelta(days=days))
        for day in (today - datetime.timedelta(days=20), today.replace(year=today.year - 1)):
            agreement = make_agreement(owner, customer=customer, signed_on=day, amount=str(amount), plan=[])
            AgreementLine.objects.create(agreement=agreement, product=product, quantity=1, unit_price=amount,
                                         amount=amount)
        source = LeadSource.objects.get_or_create(name="展会", defaults={"channel": "outbound"})[0]
        Lead.objects.create(company=f"线索{owner.username}", owner=owner, team=owner.team, source=source)


def test_finance_opens_the_money_side_analyses_and_their_menu_entry(org, client_for):
    _seed(org)
    client = client_for(org.finance)
    assert client.get("/insights/analyses/").url == "/insights/analyses/churn/"
    for name in FINANCE_PAGES:
        page = client.get(f"/insights/analyses/{name}/")
        assert page.status_code == 200, name
        assert [t["name"] for t in page.context["tabs"]] == list(FINANCE_PAGES), name
        assert ApiClient(org.finance).get(f"/api/v1/insights/analyses/{name}").status_code == 200, name
    rfm = ApiClient(org.finance).get("/api/v1/insights/analyses/rfm").json()
    assert rfm["customers"] == 2  # finance reads every customer and agreement: the analyses are not empty
    names = [item["name"] for item in client.get("/").context["nav_sections"]]
    assert "insights:analyses" in names


def test_lead_sources_stay_closed_to_finance(org, client_for):
    _seed(org)
    client = client_for(org.finance)
    assert client.get("/insights/analyses/lead-sources/").status_code == 403
    assert client.get("/insights/analyses/lead-sources/costs/").status_code == 403
    assert ApiClient(org.finance).get("/api/v1/insights/analyses/lead-sources").status_code == 403
    with pytest.raises(CommandError, match="你的角色不允许|role does not allow"):
        call_command("report", "lead-sources", "--user", "finance", stdout=io.StringIO())
    tabs = [t["name"] for t in client_for(org.director).get("/insights/analyses/rfm/").context["tabs"]]
    assert "lead-sources" in tabs  # the others still see it


def _cli(name, *args):
    out = io.StringIO()
    call_command("report", name, "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def _without_labels(value):
    """Labels are translated (the API answers in Chinese, the CLI in English): compare the figures."""
    if isinstance(value, dict):
        return {k: _without_labels(v) for k, v in value.items() if k not in ("label", "quadrant_label")}
    if isinstance(value, list):
        return [_without_labels(v) for v in value]
    return value


@pytest.mark.parametrize("name", REPORTS)
def test_cli_team_narrows_each_analysis_as_the_pages_team_filter_does(org, name):
    _seed(org)
    for team in (org.east, org.west):
        api = ApiClient(org.director).get(f"/api/v1/insights/analyses/{name}?team={team.pk}").json()
        for ref in (team.name, str(team.pk)):
            cli = _cli(name, "--user", "director", "--team", ref)
            assert _without_labels(cli) == _without_labels(api), (name, ref)
            assert cli["team"] == team.name
    everyone, east = _cli(name), _cli(name, "--team", "East")
    assert everyone["team"] is None and everyone != east


def test_cli_team_subtree_and_counts(org):
    _seed(org)
    assert _cli("rfm")["customers"] == 2
    assert _cli("rfm", "--team", "East")["customers"] == 1  # East holds East-1 (rep_a)
    assert _cli("rfm", "--team", "HQ")["customers"] == 2
    assert _cli("rfm", "--user", "manager_east", "--team", "West")["customers"] == 0  # not his to see


def test_cli_refuses_an_unknown_or_ambiguous_team_naming_it(org):
    with pytest.raises(CommandError, match="unknown team 'Nowhere'"):
        _cli("rfm", "--team", "Nowhere")
    with pytest.raises(CommandError, match="unknown team '999999'"):
        _cli("ltv", "--team", "999999")
    factories.make_team("West", parent=org.east)
    with pytest.raises(CommandError, match="'West' is ambiguous"):
        _cli("churn", "--team", "West")
