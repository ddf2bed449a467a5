"""The analyses draw their charts as the dashboards do: the same chart spec in the page's "dashboard-charts" block,
drawn by salesflow/dashboard.js, money axes in 万 / 亿, and each bar, slice or bubble linked to its records."""

import datetime
import json
import re
from decimal import Decimal

from django.utils import timezone, translation

from salesflow.activities.models import Activity
from salesflow.catalog.models import Product
from salesflow.contracts.models import AgreementLine
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.insights.charts import chart, series
from salesflow.leads.models import Lead, LeadSource
from salesflow.testing.factories import make_customer

PAGES = {"churn": ["churn"], "rfm": ["rfm"], "bcg": ["bcg"], "lead-sources": ["sources"],
         "customer-structure": ["months", "industry"], "ltv": ["ltv"]}


def _specs(page) -> dict:
    html = page.content.decode()
    assert "salesflow/dashboard.js" in html and "analyses.js" not in html
    found = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no chart spec block"
    return json.loads(found.group(1))


def _sales(org):
    today = timezone.localdate()
    for i, (series_name, amount) in enumerate((("服务器", 1_250_000), ("软件", 480_000))):
        product = Product.objects.create(code=f"P-{i}", name=series_name, series=series_name, list_price=1)
        customer = make_customer(org.rep_a, industry="制造", customer_class="A")
        for day in (today - datetime.timedelta(days=3), today.replace(year=today.year - 1)):
            agreement = make_agreement(org.rep_a, customer=customer, signed_on=day, amount=str(amount), plan=[])
            AgreementLine.objects.create(agreement=agreement, product=product, quantity=1, unit_price=amount,
                                         amount=amount)


def _silent(org):
    customer = make_customer(org.rep_a, name="沉默客户")
    for days in (50, 40, 30):  # silent for 30 days after contacts every 10: at churn risk
        Activity.objects.create(kind="call", subject="跟进", owner=org.rep_a, team=org.rep_a.team,
                                customer=customer, occurred_at=timezone.now() - datetime.timedelta(days=days))
    source = LeadSource.objects.get_or_create(name="展会", defaults={"channel": "outbound"})[0]
    Lead.objects.create(company="线索公司", owner=org.rep_a, team=org.rep_a.team, source=source, status="qualified")


def test_every_analysis_page_hands_its_chart_specs_to_the_dashboard_drawing_code(org, client_for):
    _sales(org)
    _silent(org)
    client = client_for(org.director)
    for path, keys in PAGES.items():
        page = client.get(f"/insights/analyses/{path}/")
        specs = _specs(page)
        assert set(specs) == set(keys), path
        for key in keys:
            assert f'data-chart="{key}"' in page.content.decode(), (path, key)
            for s in specs[key]["series"]:
                assert all(v is None or isinstance(v, int | float) for v in s["y"]), (path, key)  # not "1.00"
                assert len(s["links"]) == len(s["y"]), (path, key)


def test_a_money_axis_counts_in_wan_like_the_dashboards(org, client_for):
    _sales(org)
    ltv = _specs(client_for(org.director).get("/insights/analyses/ltv/"))["ltv"]
    assert ltv["unit"] == "amount" and ltv["axis"] == {"divisor": 10000, "title": "万元"}
    english = _specs(client_for(org.director).get("/insights/analyses/ltv/", HTTP_ACCEPT_LANGUAGE="en"))["ltv"]
    assert english["axis"]["title"] in ("¥K", "¥M")
    with translation.override("zh-hans"):
        big = chart("bar", ["a"], [series("s", [Decimal("250000000.00"), None])], unit="amount")
    assert big["axis"] == {"divisor": 100_000_000, "title": "亿元"} and big["series"][0]["y"] == [250000000.0, None]


def test_bcg_bubbles_carry_share_growth_size_and_the_link_to_their_lines(org, client_for):
    _sales(org)
    page = client_for(org.director).get("/insights/analyses/bcg/")
    spec, report = _specs(page)["bcg"], page.context["report"]
    assert spec["type"] == "scatter" and spec["unit"] == "percent"
    assert spec["x"] == [1.0, 0.384] and spec["series"][0]["text"] == ["服务器", "软件"]
    assert spec["series"][0]["y"] == [0.0, 0.0] and spec["series"][0]["size"] == [1250000.0, 480000.0]
    assert spec["series"][0]["links"] == [r["amount_url"] for r in report["rows"]]
    assert spec["series"][0]["hover"] == ["125万", "48万"]
    assert spec["guides"] == {"y": 10.0, "x": float(report["median_share"])}


def test_bars_link_to_the_records_behind_them(org, client_for):
    _sales(org)
    client = client_for(org.director)
    rfm = client.get("/insights/analyses/rfm/")
    spec = _specs(rfm)["rfm"]
    assert spec["series"][0]["links"] == [r["customers_url"] for r in rfm.context["report"]["rows"]]
    structure = client.get("/insights/analyses/customer-structure/")
    months = _specs(structure)["months"]
    assert months["stacked"] is True
    assert months["series"][0]["links"] == [m["new_url"] for m in structure.context["report"]["rows"]]
    assert all(v <= 0 for v in months["series"][1]["y"])  # lost customers below the axis
