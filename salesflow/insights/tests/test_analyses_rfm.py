"""RFM segmentation: quintile scores in SQL, the 8 segments, customers without orders apart, page = API = CLI."""

import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def _orders(owner, name, days_ago_amounts, status=Agreement.Status.ACTIVE):
    customer = make_customer(owner, name=name)
    today = timezone.localdate()
    for days, amount in days_ago_amounts:
        make_agreement(owner, customer=customer, signed_on=today - datetime.timedelta(days=days), amount=amount,
                       status=status, plan=[])
    return customer


def _segments(report):
    return {r["segment"]: r for r in report["rows"]}


def test_a_recent_frequent_big_buyer_is_important_value_and_an_old_small_one_general_win_back(org):
    best = _orders(org.rep_a, "好客户", [(5, "90000"), (40, "80000"), (100, "70000")])
    worst = _orders(org.rep_a, "老客户", [(300, "1000")])
    report = ApiClient(org.director).get("/api/v1/insights/analyses/rfm").json()
    segments = _segments(report)
    assert segments["important_value"]["count"] == 1 and segments["important_value"]["amount"] == "240000.00"
    assert segments["general_retain"]["count"] == 1 and segments["general_retain"]["amount"] == "1000.00"
    assert segments["important_value"]["customers_url"].endswith(f"ids={best.pk}")
    assert segments["general_retain"]["customers_url"].endswith(f"ids={worst.pk}")
    assert report["customers"] == 2 and report["window_days"] == 365


def test_customers_without_orders_are_listed_apart_not_scored(org):
    _orders(org.rep_a, "有单客户", [(10, "5000")])
    never = make_customer(org.rep_a, name="没下单")
    draft_only = _orders(org.rep_a, "只有草稿", [(10, "5000")], status=Agreement.Status.DRAFT)
    report = ApiClient(org.director).get("/api/v1/insights/analyses/rfm").json()
    assert report["customers"] == 1
    assert report["no_orders"]["count"] == 2
    assert report["no_orders"]["customers_url"].endswith(f"ids={never.pk},{draft_only.pk}")


def test_old_agreements_count_for_recency_but_not_frequency_or_amount(org):
    _orders(org.rep_a, "两年前", [(700, "50000")])
    report = ApiClient(org.director).get("/api/v1/insights/analyses/rfm").json()
    assert report["customers"] == 1 and report["amount"] == "0.00"


def test_each_segment_clicks_through_to_customers_whose_count_and_amount_equal_it(org, client_for):
    today = timezone.localdate()
    for i in range(12):
        _orders(org.rep_a if i % 2 else org.rep_b, f"客户{i}",
                [(i * 25 + 1, str(1000 * (i + 1))), *([(i * 20 + 3, "500")] * (i % 3))])
    report = ApiClient(org.director).get("/api/v1/insights/analyses/rfm").json()
    assert sum(r["count"] for r in report["rows"]) == 12
    client = client_for(org.director)
    for row in report["rows"]:
        if not row["count"]:
            assert row["customers_url"] is None
            continue
        listed = [c.pk for c in client.get(row["customers_url"]).context["page"]]
        assert len(listed) == row["count"]
        signed = Agreement.objects.filter(customer__in=listed, signed_on__gt=today - datetime.timedelta(days=365),
                                          signed_on__lte=today).exclude(status__in=["draft", "pending"])
        assert signed.aggregate(s=Sum("amount"))["s"] == Decimal(row["amount"])


def test_a_manager_segments_only_his_subtrees_customers(org):
    _orders(org.rep_a, "东区", [(5, "1000")])
    _orders(org.rep_b, "西区", [(5, "1000")])
    assert ApiClient(org.manager_east).get("/api/v1/insights/analyses/rfm").json()["customers"] == 1
    assert ApiClient(org.director).get("/api/v1/insights/analyses/rfm").json()["customers"] == 2
    assert ApiClient(org.rep_a).get("/api/v1/insights/analyses/rfm").status_code == 403


def test_rfm_page_api_and_cli_agree(org, client_for):
    for i in range(6):
        _orders(org.rep_a, f"客户{i}", [(i * 30 + 1, str(1000 * (i + 1)))] * (i % 3 + 1))
    api = ApiClient(org.manager_east).get("/api/v1/insights/analyses/rfm").json()
    out = io.StringIO()
    call_command("report", "rfm", "--json", "--user", "manager_east", stdout=out)
    cli = json.loads(out.getvalue())
    for report in (api, cli):
        for row in report["rows"]:
            row.pop("label")
    assert api == cli
    page = client_for(org.manager_east).get("/insights/analyses/rfm/")
    assert page.context["report"]["rows"][0]["label"] == "重要价值客户"
    for row in api["rows"]:
        if row["count"]:
            assert row["customers_url"].replace(",", "%2C") in page.content.decode() or \
                row["customers_url"] in page.content.decode()


def test_no_orders_at_all_says_no_data_yet(org, client_for):
    text = client_for(org.director).get("/insights/analyses/rfm/").content.decode()
    assert 'data-testid="rfm-empty"' in text and "暂无数据" in text


def test_rfm_page_and_api_run_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for i in range(n):
            _orders(org.rep_a, f"客户{i}", [(i + 1, "1000")])
    assert_pinned(client_for(org.manager_east), "/insights/analyses/rfm/", grow, 9)


def test_rfm_api_runs_a_fixed_number_of_queries(org):
    def grow(n):
        for i in range(n):
            _orders(org.rep_a, f"客户{i}", [(i + 1, "1000")])
    api = ApiClient(org.manager_east)
    assert_pinned(api.client, "/api/v1/insights/analyses/rfm", grow, 6, **api.auth)


def test_a_set_too_large_for_a_link_is_shown_without_one():
    from salesflow.insights.analyses.reports import LINKED_IDS, customers_url

    assert customers_url(range(1, LINKED_IDS + 1)).count(",") == LINKED_IDS - 1
    assert customers_url(range(1, LINKED_IDS + 2)) is None
