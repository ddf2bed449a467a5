"""经营分析 in a browser, in Chinese, as a manager, a director and finance at 1366 px and 375 px: each analysis draws
its chart (dashboard.js) and its table, a figure clicks through to the records behind it, and nothing scrolls
sideways."""

import datetime
import re

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.activities.models import Activity
from salesflow.catalog.models import Product
from salesflow.contracts.models import AgreementLine
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.leads.costs import set_source_cost
from salesflow.leads.models import Lead, LeadSource
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_ENGLISH = {"SalesFlow", "RFM", "West"}
TABS = [("churn", "churn-chart"), ("rfm", "rfm-chart"), ("bcg", "bcg-chart"), ("lead-sources", "sources-chart"),
        ("customer-structure", "months-chart"), ("ltv", "ltv-chart")]


def check(page, viewport):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    text = re.sub(r"\b(rep_a2?|rep_b|manager_east|director|admin|East(-1)?|HQ)\b", "",
                  page.locator("main").inner_text())
    english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
    assert not english, (page.url, english)
    if viewport["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def seed(org):
    now, today = timezone.now(), timezone.localdate()
    source = LeadSource.objects.get_or_create(name="展会", defaults={"channel": "outbound"})[0]
    set_source_cost(actor=None, source=source, month=today.replace(month=1, day=1), amount="5000")
    for i, owner in enumerate([org.rep_a, org.rep_a2, org.rep_b] * 3):
        customer = make_customer(owner, name=f"分析客户{i}有限公司", industry=["制造", "零售", "金融"][i % 3])
        for days in (90 + i, 60 + i, 40 + i):
            Activity.objects.create(kind="call", subject="跟进", owner=owner, team=owner.team, customer=customer,
                                    occurred_at=now - datetime.timedelta(days=days))
        series = ["服务器", "软件", "服务"][i % 3]
        product = Product.objects.get_or_create(code=f"P-{series}", defaults={"name": series, "series": series,
                                                                               "list_price": 1})[0]
        for signed_on, amount in ((today - datetime.timedelta(days=10 * i + 3), 10000 * (i + 1)),
                                  (today.replace(year=today.year - 1) - datetime.timedelta(days=5), 8000)):
            agreement = make_agreement(owner, customer=customer, signed_on=signed_on, amount=str(amount), plan=[])
            AgreementLine.objects.create(agreement=agreement, product=product, quantity=1, unit_price=amount,
                                         amount=amount)
        silent = make_customer(owner, name=f"沉默客户{i}有限公司", industry="制造")
        for days in (50 + i, 40 + i, 30 + i):
            Activity.objects.create(kind="call", subject="跟进", owner=owner, team=owner.team, customer=silent,
                                    occurred_at=now - datetime.timedelta(days=days))
        lead = Lead.objects.create(company=f"线索{i}", owner=owner, team=owner.team, source=source)
        Lead.objects.filter(pk=lead.pk).update(status="converted", converted_customer=customer,
                                               converted_at=now - datetime.timedelta(days=200))


@pytest.mark.parametrize("who", ["manager_east", "director", "finance"])
@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
def test_each_analysis_draws_its_chart_and_table(new_page, org, viewport, name, who):
    seed(org)
    page = login(new_page(viewport), getattr(org, who).username)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    tabs = [(tab, chart) for tab, chart in TABS if who != "finance" or tab != "lead-sources"]  # not finance's
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/insights/analyses/")
    assert page.locator("[data-testid=analysis-tabs] a").count() == len(tabs)
    for tab, chart in tabs:
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + f"/insights/analyses/{tab}/")
        check(page, viewport)
        page.wait_for_selector(f"[data-testid={chart}] .main-svg", timeout=10000) if not errors else None
        assert not errors, errors
        assert page.locator("table.table").count() >= 1
        screenshot(page, f"analyses-{tab}-{who}-{name}")
    page.goto(page.url.split("/insights/")[0] + "/insights/analyses/rfm/")
    first = page.locator("[data-testid=rfm-table] tbody a").first
    count = int(first.inner_text())
    first.click()
    page.wait_for_url(re.compile(r"/customers/\?ids="))
    page.wait_for_load_state("load")
    assert page.locator("main table tbody tr").count() == count
    page.goto(page.url.split("/customers/")[0] + "/insights/analyses/bcg/")  # a series' amount: its signed lines
    page.locator("[data-testid=bcg-table] tbody a").first.click()
    page.wait_for_url(re.compile(r"/insights/records/product_lines/\?"))
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=records-table] tbody tr").count() == 3  # each series: 3 lines, one owner
