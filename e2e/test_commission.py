"""Commission in the browser: the manager confirms a rep's statement and finance approves it (1366 px); the rep,
on a phone (375 px), reads their statement (no sideways scroll, no English words) and downloads the PDF."""

import datetime
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.core.periods import period_of
from salesflow.performance.commission import services
from salesflow.performance.models import CommissionStatement
from salesflow.performance.tests.commission_helpers import approve_target, make_plan, signed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_ENGLISH = {"XLSX", "PDF", "SalesFlow"}
WIDE = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 375)
    .slice(0, 8).map(e => e.tagName + '.' + e.className)"""


def check(page, viewport):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    text = re.sub(r"\b(rep_a|manager_east|finance|HT-T-\d+)\b", "", page.locator("main").inner_text())
    english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
    assert not english, (page.url, english)
    if viewport["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.evaluate(WIDE)


def test_manager_confirms_finance_approves_and_the_rep_reads_and_downloads_on_a_phone(new_page, org, tmp_path):
    last_month = period_of("month", period_of("month", timezone.localdate()).start - datetime.timedelta(days=1))
    make_plan(name="初级销售提成方案", cap=3, decelerator_below=30)
    approve_target(org.rep_a, last_month.label, 100000)
    signed(org.rep_a, "60000", last_month.start)
    signed(org.rep_a, "55000", last_month.start + datetime.timedelta(days=9))
    statement = services.compute_statement(user=org.rep_a, period=last_month)
    url = f"/performance/commission/{statement.pk}/"

    manager = login(new_page(DESKTOP), org.manager_east.username)
    manager.goto("/performance/commission/")
    check(manager, DESKTOP)
    manager.click(f"a[href='{url}']")
    check(manager, DESKTOP)
    screenshot(manager, "commission-1-manager-statement")
    manager.click("[data-testid=confirm]")
    check(manager, DESKTOP)
    assert "经理已确认" in manager.locator("[data-testid=statement-status]").inner_text()

    finance = login(new_page(DESKTOP), org.finance.username)
    finance.goto(url)
    finance.click("[data-testid=approve]")
    check(finance, DESKTOP)
    assert "财务已审批" in finance.locator("[data-testid=statement-status]").inner_text()
    screenshot(finance, "commission-2-finance-approved")
    assert CommissionStatement.objects.get(pk=statement.pk).status == "approved"

    rep = login(new_page(PHONE), org.rep_a.username)
    rep.goto("/performance/commission/")
    check(rep, PHONE)
    screenshot(rep, "commission-3-rep-list-phone")
    rep.click(f"a[href='{url}']")
    check(rep, PHONE)
    assert "[data-testid=confirm]" and rep.locator("[data-testid=confirm]").count() == 0
    screenshot(rep, "commission-4-rep-statement-phone")
    with rep.expect_download() as download:
        rep.click("[data-testid=export-pdf]")
    path = tmp_path / "statement.pdf"
    download.value.save_as(path)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "提成单" in text and f"{statement.total:,}" in text
