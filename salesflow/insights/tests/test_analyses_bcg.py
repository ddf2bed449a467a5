"""Product portfolio (BCG) matrix: share against the leader, growth against the same days a year earlier."""

import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command

from salesflow.catalog.models import Product
from salesflow.contracts.models import AgreementLine
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.testing.api_client import ApiClient
from salesflow.testing.queries import assert_pinned

DAY = datetime.date(2026, 6, 15)


def _sale(owner, series, amount, day=DAY, status="active"):
    product, _new = Product.objects.get_or_create(code=f"P-{series}", defaults={"name": series, "series": series,
                                                                                 "list_price": 1})
    agreement = make_agreement(owner, amount=amount, signed_on=day, status=status, plan=[])
    AgreementLine.objects.create(agreement=agreement, product=product, quantity=1, unit_price=Decimal(amount),
                                 amount=Decimal(amount))


def _rows(user, period="2026-Q2"):
    report = ApiClient(user).get(f"/api/v1/insights/analyses/bcg?period={period}").json()
    return report, {r["series"]: r for r in report["rows"]}


def test_quadrants_follow_share_against_the_median_and_growth_against_ten_percent(org):
    last_year = DAY.replace(year=2025)
    for series, now, before in (("星", "1000", "500"), ("牛", "800", "800"), ("问", "100", "50"), ("狗", "50", "60")):
        _sale(org.rep_a, series, now)
        _sale(org.rep_a, series, before, day=last_year)
    report, rows = _rows(org.director)
    assert {s: r["quadrant"] for s, r in rows.items()} == {"星": "star", "牛": "cash_cow", "问": "question",
                                                          "狗": "dog"}
    assert rows["星"]["relative_share"] == "1.000" and rows["牛"]["relative_share"] == "0.800"
    assert rows["星"]["growth"] == "100.0" and rows["狗"]["growth"] == "-16.7"
    assert report["median_share"] == "0.450" and report["growth_threshold"] == "10"


def test_a_series_without_last_years_sales_has_no_growth_and_no_quadrant(org, client_for):
    _sale(org.rep_a, "新品", "1000")
    _report, rows = _rows(org.director)
    assert rows["新品"]["growth"] is None and rows["新品"]["quadrant"] is None
    page = client_for(org.director).get("/insights/analyses/bcg/?period=2026-Q2").content.decode()
    assert "暂无数据" in page and "新品" in page


def test_drafts_and_other_periods_do_not_count(org):
    _sale(org.rep_a, "A", "1000")
    _sale(org.rep_a, "A", "999", status="draft")
    _sale(org.rep_a, "A", "777", day=datetime.date(2026, 8, 1))
    _report, rows = _rows(org.director)
    assert rows["A"]["amount"] == "1000.00"


def test_a_manager_sees_only_his_subtrees_sales(org):
    _sale(org.rep_a, "东", "1000")
    _sale(org.rep_b, "西", "1000")
    assert set(_rows(org.manager_east)[1]) == {"东"}
    assert set(_rows(org.director)[1]) == {"东", "西"}
    assert ApiClient(org.rep_a).get("/api/v1/insights/analyses/bcg").status_code == 403


def test_a_bad_period_is_refused_naming_the_field(org, client_for):
    response = ApiClient(org.director).get("/api/v1/insights/analyses/bcg?period=2026-Q9")
    assert response.status_code in (400, 422) and "period" in response.content.decode()


def test_bcg_page_api_and_cli_agree(org, client_for):
    _sale(org.rep_a, "甲", "1000")
    _sale(org.rep_a, "甲", "400", day=DAY.replace(year=2025))
    _sale(org.rep_a, "乙", "300")
    api, _rows_ = _rows(org.manager_east)
    out = io.StringIO()
    call_command("report", "bcg", "--json", "--user", "manager_east", "--period", "2026-Q2", stdout=out)
    cli = json.loads(out.getvalue())
    for report in (api, cli):
        for row in report["rows"]:
            row.pop("quadrant_label")
    assert api == cli
    page = client_for(org.manager_east).get("/insights/analyses/bcg/?period=2026-Q2")
    assert [(r["series"], str(r["amount"])) for r in page.context["report"]["rows"]] == \
        [(r["series"], r["amount"]) for r in api["rows"]]


def test_bcg_page_and_api_run_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for i in range(n):
            _sale(org.rep_a, f"系列{i}-{Product.objects.count()}", "100")
    assert_pinned(client_for(org.manager_east), "/insights/analyses/bcg/?period=2026-Q2", grow, 8)


def test_bcg_api_runs_a_fixed_number_of_queries(org):
    def grow(n):
        for i in range(n):
            _sale(org.rep_a, f"系列{i}-{Product.objects.count()}", "100")
    api = ApiClient(org.manager_east)
    assert_pinned(api.client, "/api/v1/insights/analyses/bcg?period=2026-Q2", grow, 5, **api.auth)


def test_each_series_amount_clicks_through_to_the_signed_lines_behind_it(org, client_for):
    for amount in ("1000", "250"):
        _sale(org.rep_a, "甲", amount)
    _sale(org.rep_b, "甲", "400")  # west: not the east manager's
    _sale(org.rep_a, "甲", "999", status="draft")
    _sale(org.rep_a, "甲", "777", day=datetime.date(2026, 7, 1))  # after the chosen period
    _sale(org.rep_a, "乙", "300")
    client = client_for(org.manager_east)
    report, rows = _rows(org.manager_east)
    assert rows["甲"]["amount"] == "1250.00"
    for row in report["rows"]:
        listed = client.get(row["amount_url"])
        assert listed.status_code == 200
        summary = listed.context["summary"]
        assert (summary["value"], summary["count"]) == (Decimal(row["amount"]), 2 if row["series"] == "甲" else 1)
    page = client.get("/insights/analyses/bcg/?period=2026-Q2").content.decode().replace("&amp;", "&")
    assert f'href="{rows["甲"]["amount_url"]}"' in page
    # A team narrows by the agreement's team, the records page by its owner's: no link rather than a wrong one.
    by_team = ApiClient(org.director).get(f"/api/v1/insights/analyses/bcg?period=2026-Q2&team={org.east.pk}").json()
    assert by_team["rows"] and all(r["amount_url"] is None for r in by_team["rows"])
