"""流失预警: the one churn rule (follow-ups and signed agreements), its page, API, CLI report and the alert metric."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.insights.alerts.services import evaluate_rule
from salesflow.insights.analyses.churn import churn_risks
from salesflow.insights.models import Alert, AlertRule
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def _contacts(customer, days_ago):
    now = timezone.now()
    for days in days_ago:
        Activity.objects.create(kind="call", subject="跟进", owner=customer.owner, team=customer.team,
                                customer=customer, occurred_at=now - datetime.timedelta(days=days))


def _silent(owner, name="沉默客户有限公司"):
    """Contacts 50, 40 and 30 days ago: a usual interval of 10 days, silent for 30 (300 %)."""
    customer = make_customer(owner, name=name)
    _contacts(customer, [50, 40, 30])
    return customer


def test_a_customer_silent_three_times_its_usual_interval_is_at_risk(org):
    silent = _silent(org.rep_a)
    steady = make_customer(org.rep_a)
    _contacts(steady, [30, 20, 10])  # silent 10 days of a usual 10: 100 %, the edge
    fresh = make_customer(org.rep_a)
    _contacts(fresh, [12, 8, 4])  # silent 4 of 4: 100 %
    too_few = make_customer(org.rep_a)
    _contacts(too_few, [90, 80])  # two contacts teach no rhythm
    rows = {r.customer_id: r for r in churn_risks(min_ratio=Decimal(150))}
    assert list(rows) == [silent.pk]
    assert rows[silent.pk].usual_days == Decimal("10.0") and rows[silent.pk].silent_days == 30
    assert Decimal(299) <= rows[silent.pk].ratio <= Decimal(301)


def test_signed_agreements_count_as_contacts_and_end_the_silence(org):
    customer = make_customer(org.rep_a)
    _contacts(customer, [60, 40])
    today = timezone.localdate()
    make_agreement(org.rep_a, customer=customer, signed_on=today - datetime.timedelta(days=20))
    risk = [r for r in churn_risks(min_ratio=Decimal(100)) if r.customer_id == customer.pk]
    assert risk and risk[0].contacts == 3 and risk[0].last_order == today - datetime.timedelta(days=20)
    make_agreement(org.rep_a, customer=customer, signed_on=today)
    assert customer.pk not in {r.customer_id for r in churn_risks(min_ratio=Decimal(100))}


def test_a_draft_agreement_is_not_an_order(org):
    customer = make_customer(org.rep_a)
    _contacts(customer, [60, 40, 30])
    make_agreement(org.rep_a, customer=customer, signed_on=timezone.localdate(), status="draft")
    assert customer.pk in {r.customer_id for r in churn_risks(min_ratio=Decimal(150))}


def test_the_churn_alert_metric_reads_the_same_rule_including_orders(org):
    silent = _silent(org.rep_a)
    ordered = make_customer(org.rep_a)
    _contacts(ordered, [50, 40, 30])
    make_agreement(org.rep_a, customer=ordered, signed_on=timezone.localdate() - datetime.timedelta(days=1))
    evaluate_rule(AlertRule.objects.get(metric="churn_risk"), timezone.now())
    assert dict(Alert.objects.values_list("key", "level")) == {f"customer:{silent.pk}": "red"}


def test_a_manager_sees_only_his_subtrees_customers_at_risk(org, client_for):
    east = _silent(org.rep_a, "东区沉默客户")
    west = _silent(org.rep_b, "西区沉默客户")
    page = client_for(org.manager_east).get("/insights/analyses/churn/").content.decode()
    assert "东区沉默客户" in page and "西区沉默客户" not in page
    director = ApiClient(org.director).get("/api/v1/insights/analyses/churn").json()
    assert {r["customer_id"] for r in director["rows"]} == {east.pk, west.pk}


def test_reps_may_not_open_the_analyses(org, client_for):
    assert client_for(org.rep_a).get("/insights/analyses/").status_code == 403
    assert client_for(org.rep_a).get("/insights/analyses/churn/").status_code == 403
    assert ApiClient(org.rep_a).get("/api/v1/insights/analyses/churn").status_code == 403
    with pytest.raises(CommandError):
        call_command("report", "churn", "--json", "--user", "rep_a", stdout=io.StringIO())


def test_page_api_and_cli_agree(org, client_for):
    _silent(org.rep_a, "甲公司")
    other = make_customer(org.rep_a2, name="乙公司")
    _contacts(other, [100, 60, 50])
    api = ApiClient(org.manager_east).get("/api/v1/insights/analyses/churn").json()
    out = io.StringIO()
    call_command("report", "churn", "--json", "--user", "manager_east", stdout=out)
    cli = json.loads(out.getvalue())
    assert api == cli and api["count"] == 2
    page = client_for(org.manager_east).get("/insights/analyses/churn/").content.decode()
    for row in api["rows"]:
        assert row["customer"] in page and f'{row["ratio"]}%' in page


def test_the_count_clicks_through_to_exactly_those_customers(org, client_for):
    ids = {_silent(org.rep_a, f"沉默{i}").pk for i in range(3)}
    make_customer(org.rep_a, name="无关客户")
    report = ApiClient(org.manager_east).get("/api/v1/insights/analyses/churn").json()
    listed = client_for(org.manager_east).get(report["customers_url"])
    assert listed.status_code == 200
    assert {c.pk for c in listed.context["page"]} == ids == {r["customer_id"] for r in report["rows"]}


def test_ratio_sorts_both_ways(org, client_for):
    _silent(org.rep_a, "三倍客户")
    half = make_customer(org.rep_a, name="二倍客户")
    _contacts(half, [40, 30, 20])
    client = client_for(org.director)
    down = client.get("/insights/analyses/churn/").content.decode()
    up = client.get("/insights/analyses/churn/?sort=ratio").content.decode()
    assert down.index("三倍客户") < down.index("二倍客户") and up.index("二倍客户") < up.index("三倍客户")


def test_no_customer_at_risk_says_no_data_yet(org, client_for):
    page = client_for(org.director).get("/insights/analyses/churn/")
    text = page.content.decode()
    assert 'data-testid="churn-empty"' in text and "暂无数据" in text and "流失预警" in text


def test_churn_page_and_api_run_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for i in range(n):
            _silent(org.rep_a, f"客户{i}-{timezone.now().timestamp()}")
    assert_pinned(client_for(org.manager_east), "/insights/analyses/churn/", grow, 9)


def test_churn_api_runs_a_fixed_number_of_queries(org):
    def grow(n):
        for i in range(n):
            _silent(org.rep_a, f"客户{i}-{timezone.now().timestamp()}")
    api = ApiClient(org.manager_east)
    assert_pinned(api.client, "/api/v1/insights/analyses/churn", grow, 6, **api.auth)


def test_the_analyses_menu_entry_is_for_managers_directors_admins_and_finance(org, client_for):
    for user, shown in ((org.manager_east, True), (org.director, True), (org.admin, True), (org.rep_a, False),
                        (org.finance, True)):
        names = [item["name"] for item in client_for(user).get("/").context["nav_sections"]]
        assert ("insights:analyses" in names) is shown, user.username
    assert client_for(org.manager_east).get("/insights/analyses/").url == "/insights/analyses/churn/"
