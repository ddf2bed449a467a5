"""Sales reports in a browser, in Chinese, at desktop and phone width: a manager generates his team's monthly
report (pending, then ready without reloading the page), downloads the XLSX; writes the quarter's review from the
pre-filled figures and downloads its PDF; nothing scrolls sideways at 375 px."""

import io
import re

import pytest
from openpyxl import load_workbook

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.core.worker import run_once
from salesflow.insights.models import ReviewDocument, SalesReport
from salesflow.insights.tests.reports_fixtures import october_fixture  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_ENGLISH = {"SalesFlow", "XLSX", "PDF", "Top", "KB", "MB", "bytes"}


def check(page, viewport):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    text = re.sub(r"\b(rep_a2?|manager_east|East(-1)?|West|HQ)\b", "", page.locator("main").inner_text())
    english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
    assert not english, (page.url, english)
    if viewport["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
def test_a_manager_generates_and_downloads_his_teams_monthly_report(new_page, org, october, viewport, name):
    page = login(new_page(viewport), org.manager_east.username)
    assert page.locator('a[href="/insights/reports/"]').count() >= 1  # the menu entry
    page.goto("/insights/reports/")
    check(page, viewport)
    page.select_option("select[name=kind]", "monthly")
    page.fill("input[name=period]", "2026-10")
    page.select_option("select[name=team]", str(org.east.pk))
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=report-row]").first.get_attribute("data-status") == "pending"
    screenshot(page, f"sales-reports-pending-{name}")
    run_once(schedules=False)
    page.wait_for_selector("[data-testid=report-row][data-status=ready]", timeout=10_000)  # htmx polls
    check(page, viewport)
    screenshot(page, f"sales-reports-ready-{name}")
    with page.expect_download() as download:
        page.click("[data-testid=report-download]")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "East" in book.worksheets[0]["A1"].value and book.worksheets[1]["C3"].value == 300000
    assert SalesReport.objects.get().status == "ready"


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
def test_a_manager_writes_the_quarters_review(new_page, org, october, viewport, name):
    page = login(new_page(viewport), org.manager_east.username)
    page.goto("/insights/reviews/")
    check(page, viewport)
    page.fill("input[name=period]", "2026-Q4")
    page.select_option("select[name=team]", str(org.east.pk))
    page.click("[data-testid=review-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/insights/reviews/\d+/$"))
    check(page, viewport)
    assert "东区大单" in page.input_value("textarea[name=results]")
    assert "价格太高" in page.input_value("textarea[name=causes]")
    page.fill("textarea[name=lessons]", "大客户要提前三个月跟进")
    page.fill("textarea[name=improvements]", "每周复盘重点商机")
    screenshot(page, f"review-edit-{name}")
    page.click("[data-testid=review-edit] button[type=submit]")
    page.wait_for_load_state("load")
    check(page, viewport)
    review = ReviewDocument.objects.get()
    assert (review.lessons, review.version) == ("大客户要提前三个月跟进", 2)
    with page.expect_download() as download:
        page.click("[data-testid=review-pdf]")
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")
