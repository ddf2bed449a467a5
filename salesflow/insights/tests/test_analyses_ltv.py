"""Customer lifetime value: the stated formula per class and for the top customers, margin where costs exist."""

import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from salesflow.catalog.models import Product
from salesflow.contracts.models import AgreementLine
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.testing.api_client import ApiClient
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned

URL = "/api/v1/insights/analyses/ltv"
TODAY = timezone.localdate()


def _orders(owner, customer, *days_ago_amounts, product=None):
    for days, amount in days_ago_amounts:
        agreement = make_agreement(owner, customer=customer, amount=amount, plan=[],
                                   signed_on=TODAY - datetime.timedelta(days=days))
        if product is not None:
            AgreementLine.objects.create(agreement=agreement, product=product, quantity=1, unit_price=Decimal(amount),
                                         amount=Decimal(amount))


def test_class_ltv_is_order_value_times_orders_per_year_times_expected_lifespan(org):
    a1 = make_customer(org.rep_a, customer_class="A")
    a2 = make_customer(org.rep_a, customer_class="A")
    _orders(org.rep_a, a1, (730, "1000"), (365, "1000"), (1, "1000"))  # 3 orders over 2 years (729 days)
    _orders(org.rep_a, a2, (10, "4000"))  # one order: counts as one year
    report = ApiClient(org.director).get(URL).json()
    row = next(r for r in report["rows"] if r["class"] == "A")
    assert row["customers"] == 2 and row["average_order_value"] == "1750.00"
    per_year = (Decimal(3 * 365) / 729 + 1) / 2
    lifespan = (Decimal(729) / 365 + 1) / 2
    assert Decimal(row["orders_per_year"]) == per_year.quantize(Decimal("0.01"))
    assert Decimal(row["lifespan_years"]) == lifespan.quantize(Decimal("0.01"))
    assert abs(Decimal(row["ltv"]) - Decimal(1750) * per_year * lifespan) < Decimal("0.05")
    assert row["gross_margin_pct"] is None and row["ltv_margin"] is None  # no product cost known


def test_top_customers_use_their_own_rhythm_and_their_class_lifespan(org):
    big = make_customer(org.rep_a, customer_class="B", name="大客户")
    small = make_customer(org.rep_a, customer_class="B", name="小客户")
    _orders(org.rep_a, big, (400, "9000"), (5, "9000"))
    _orders(org.rep_a, small, (3, "100"))
    top = ApiClient(org.director).get(URL).json()["top"]
    assert [t["customer"] for t in top] == ["大客户", "小客户"]
    assert top[0]["orders"] == 2 and top[0]["amount"] == "18000.00"


def test_gross_margin_where_product_costs_exist(org):
    customer = make_customer(org.rep_a, customer_class="A")
    product = Product.objects.create(code="P-1", name="服务器", list_price=1000, cost=600)
    _orders(org.rep_a, customer, (5, "1000"), product=product)
    row = ApiClient(org.director).get(URL).json()["rows"][0]
    assert row["gross_margin_pct"] == "40.0" and row["ltv_margin"] == str(
        (Decimal(row["ltv"]) * Decimal("0.4")).quantize(Decimal("0.01")))


def test_class_counts_click_through_to_those_customers(org, client_for):
    buyers = [make_customer(org.rep_a, customer_class="C") for _ in range(3)]
    make_customer(org.rep_a, customer_class="C")  # never ordered: not in the estimate
    for customer in buyers:
        _orders(org.rep_a, customer, (5, "100"))
    row = ApiClient(org.director).get(URL).json()["rows"][0]
    listed = client_for(org.director).get(row["customers_url"]).context["page"]
    assert sorted(c.pk for c in listed) == sorted(c.pk for c in buyers) and row["customers"] == 3


def test_ltv_scope_page_api_and_cli_agree(org, client_for):
    _orders(org.rep_a, make_customer(org.rep_a), (5, "100"), (100, "300"))
    _orders(org.rep_b, make_customer(org.rep_b), (5, "100"))
    api = ApiClient(org.manager_east).get(URL).json()
    assert api["rows"][0]["customers"] == 1
    out = io.StringIO()
    call_command("report", "ltv", "--json", "--user", "manager_east", stdout=out)
    cli = json.loads(out.getvalue())
    for report in (api, cli):
        for row in report["rows"]:
            row.pop("label")
    assert api == cli
    page = client_for(org.manager_east).get("/insights/analyses/ltv/")
    assert page.context["report"]["top"][0]["customer_id"] == api["top"][0]["customer_id"]
    assert ApiClient(org.rep_a).get(URL).status_code == 403


def test_no_orders_says_no_data_yet(org, client_for):
    assert "暂无数据" in client_for(org.director).get("/insights/analyses/ltv/").content.decode()


def test_ltv_page_and_api_run_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for _ in range(n):
            _orders(org.rep_a, make_customer(org.rep_a), (5, "100"))
    assert_pinned(client_for(org.manager_east), "/insights/analyses/ltv/", grow, 9)


def test_ltv_api_runs_a_fixed_number_of_queries(org):
    def grow(n):
        for _ in range(n):
            _orders(org.rep_a, make_customer(org.rep_a), (5, "100"))
    api = ApiClient(org.manager_east)
    assert_pinned(api.client, URL, grow, 6, **api.auth)
