"""Customer structure: by industry, size and class with signed amounts; new and lost customers per month."""

import datetime
import io
import json

from django.core.management import call_command
from django.utils import timezone

from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned

URL = "/api/v1/insights/analyses/customer-structure"


def test_customers_and_amounts_by_industry_size_and_class_click_through(org, client_for):
    a = make_customer(org.rep_a, industry="制造", size="large", customer_class="A")
    make_customer(org.rep_a, industry="制造", size="small", customer_class="B")
    make_customer(org.rep_a, industry="零售", size="small", customer_class="B")
    today = timezone.localdate()
    make_agreement(org.rep_a, customer=a, amount="5000", signed_on=today.replace(month=1, day=5), plan=[])
    make_agreement(org.rep_a, customer=a, amount="7000", signed_on=today.replace(year=today.year - 1), plan=[])
    report = ApiClient(org.director).get(URL).json()
    industry = {r["value"]: r for r in report["by_industry"]}
    assert (industry["制造"]["customers"], industry["制造"]["amount"]) == (2, "5000.00")
    assert {r["value"]: r["customers"] for r in report["by_size"]} == {"large": 1, "small": 2}
    assert {r["value"]: r["amount"] for r in report["by_class"]} == {"A": "5000.00", "B": "0.00"}
    client = client_for(org.director)
    for group in ("by_industry", "by_size", "by_class"):
        for row in report[group]:
            assert client.get(row["customers_url"]).context["page"].paginator.count == row["customers"]


def test_each_amount_clicks_through_to_the_customers_who_signed_it(org, client_for):
    today = timezone.localdate()
    big = make_customer(org.rep_a, industry="制造", size="large", customer_class="A")
    small = make_customer(org.rep_a, industry="制造", size="small", customer_class="A")
    make_customer(org.rep_a, industry="制造", size="small", customer_class="B")  # signed nothing
    old = make_customer(org.rep_a, industry="零售", size="small", customer_class="B")
    make_agreement(org.rep_a, customer=big, amount="5000", signed_on=today.replace(month=1, day=5), plan=[])
    make_agreement(org.rep_a, customer=big, amount="1000", signed_on=today.replace(month=1, day=6), plan=[])
    make_agreement(org.rep_a, customer=small, amount="300", signed_on=today.replace(month=1, day=7), plan=[])
    make_agreement(org.rep_a, customer=small, amount="999", signed_on=today.replace(month=1, day=8), status="draft",
                   plan=[])
    make_agreement(org.rep_a, customer=old, amount="7000", signed_on=today.replace(year=today.year - 1), plan=[])
    report = ApiClient(org.manager_east).get(URL).json()
    client = client_for(org.manager_east)
    industry = {r["value"]: r for r in report["by_industry"]}
    assert (industry["制造"]["amount"], industry["制造"]["signed_customers"]) == ("6300.00", 2)
    assert (industry["零售"]["amount"], industry["零售"]["amount_url"]) == ("0.00", None)  # signed last year only
    for group in ("by_industry", "by_size", "by_class"):
        for row in report[group]:
            if row["amount_url"]:
                listed = client.get(row["amount_url"]).context["page"].paginator.object_list
                assert listed.count() == row["signed_customers"], (group, row)
                assert {c.pk for c in listed} <= {big.pk, small.pk}
    assert {r["value"]: r["signed_customers"] for r in report["by_size"]} == {"large": 1, "small": 1}
    page = client.get("/insights/analyses/customer-structure/").content.decode()
    assert f'href="{industry["制造"]["amount_url"]}"' in page.replace("&amp;", "&")


def test_new_and_lost_customers_per_month(org, client_for):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    fresh = make_customer(org.rep_a, name="新客户")
    make_agreement(org.rep_a, customer=fresh, signed_on=this_month, plan=[])
    gone = make_customer(org.rep_a, name="流失客户")
    lapsed_on = this_month - datetime.timedelta(days=365)
    make_agreement(org.rep_a, customer=gone, signed_on=lapsed_on, plan=[])
    back = make_customer(org.rep_a, name="回头客户")
    make_agreement(org.rep_a, customer=back, signed_on=lapsed_on - datetime.timedelta(days=400), plan=[])
    make_agreement(org.rep_a, customer=back, signed_on=this_month, plan=[])  # not new (signed before), not lost
    report = ApiClient(org.manager_east).get(URL).json()
    months = {m["month"]: m for m in report["rows"]}
    assert len(months) == 12
    now = months[this_month.strftime("%Y-%m")]
    assert now["new"] == 1 and now["new_url"].endswith(f"ids={fresh.pk}")
    assert now["lost"] == 1 and now["lost_url"].endswith(f"ids={gone.pk}")
    assert sum(m["new"] for m in report["rows"]) == 1 and sum(m["lost"] for m in report["rows"]) == 1


def test_a_manager_sees_only_his_subtree_and_reps_are_refused(org):
    make_customer(org.rep_a, industry="制造")
    make_customer(org.rep_b, industry="制造")
    assert ApiClient(org.manager_east).get(URL).json()["by_industry"][0]["customers"] == 1
    assert ApiClient(org.director).get(URL).json()["by_industry"][0]["customers"] == 2
    assert ApiClient(org.rep_a).get(URL).status_code == 403


def test_structure_page_api_and_cli_agree(org, client_for):
    customer = make_customer(org.rep_a, industry="制造")
    make_agreement(org.rep_a, customer=customer, signed_on=timezone.localdate(), plan=[])
    api = ApiClient(org.manager_east).get(URL).json()
    out = io.StringIO()
    call_command("report", "customer-structure", "--json", "--user", "manager_east", stdout=out)
    cli = json.loads(out.getvalue())
    for report in (api, cli):
        for group in ("by_industry", "by_size", "by_class"):
            for row in report[group]:
                row.pop("label")
    assert api == cli
    page = client_for(org.manager_east).get("/insights/analyses/customer-structure/")
    assert page.context["report"]["rows"] == api["rows"]


def test_structure_page_and_api_run_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for i in range(n):
            customer = make_customer(org.rep_a, industry=f"行业{i % 3}")
            make_agreement(org.rep_a, customer=customer, signed_on=timezone.localdate(), plan=[])
    # 15: one query lists the customers behind the amounts (their click-through), whatever their number
    assert_pinned(client_for(org.manager_east), "/insights/analyses/customer-structure/", grow, 15)


def test_structure_api_runs_a_fixed_number_of_queries(org):
    def grow(n):
        for i in range(n):
            customer = make_customer(org.rep_a, industry=f"行业{i % 3}")
            make_agreement(org.rep_a, customer=customer, signed_on=timezone.localdate(), plan=[])
    api = ApiClient(org.manager_east)
    assert_pinned(api.client, URL, grow, 12, **api.auth)  # 12: + the customers behind the amounts
