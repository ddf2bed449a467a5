"""A rep's day of field work on a phone (375 px), then the manager at 1280 px, with the real pages and buttons:
the rep opens "today", checks in at the planned visit, records it, records a follow-up call, opens the daily report
(its figures show the visit and the follow-up), writes it and submits it; the manager opens it from the work
reports list, comments and marks it reviewed; the rep sees the comment. No page visited shows English words or (at
375 px) scrolls sideways."""

import re

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.activities.models import Activity, VisitPlan, WorkReport
from salesflow.activities.visits.services import plan_visit
from salesflow.core.audit import acting_as
from salesflow.core.models import Notification
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Words a Chinese page may show: this test's data and the product's own abbreviations.
NOT_ENGLISH = {"East", "CSV", "XLSX", "SalesFlow"}
WIDE_ELEMENTS = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 375)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.getAttribute('name') || ''))"""


class Visit:
    """Checks every page a user lands on: no server error, no English words, at phone width no sideways scroll."""

    def __init__(self, viewport):
        self.viewport = viewport

    def check(self, page):
        page.wait_for_load_state("load")
        assert "Server Error" not in page.title(), page.url
        text = re.sub(r"\b(rep_a2|rep_a|manager_east)\b", "", page.locator("main").inner_text())
        english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
        assert not english, (page.url, english)
        if self.viewport["width"] <= PHONE["width"]:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (page.url, width, page.evaluate(WIDE_ELEMENTS))

    def goto(self, page, path):
        page.goto(path)
        self.check(page)


def figure(page, key) -> str:
    return page.locator(f"[data-testid=figure-{key}] .tile-value").inner_text().strip()


def test_a_reps_day_on_a_phone_then_the_manager_reviews_the_daily_report(new_page, org):
    org.east.manager = org.manager_east
    org.east.save()
    customer = make_customer(org.rep_a, name="外勤测试客户有限公司")
    with acting_as(org.rep_a):  # the plan's history names the rep (as when planned on its page)
        plan = plan_visit(actor=org.rep_a, data={"customer": customer, "planned_on": timezone.localdate(),
                                                 "objective": "演示新方案", "commitment_sought": "安排技术交流"})
    phone, desk = Visit(PHONE), Visit(DESKTOP | {"width": 1280})

    # Today: the planned visit; check in (no location: the browser was not asked to share it).
    rep = login(new_page(PHONE), org.rep_a.username)
    phone.goto(rep, "/activities/today/")
    assert customer.name in rep.locator("[data-testid=today-plans]").inner_text()
    screenshot(rep, "field-work-phone-1-today")
    with rep.expect_navigation():  # the page script waits for the location answer before it posts
        rep.click(f"[data-testid=check-in-{plan.pk}]")
    phone.check(rep)
    assert VisitPlan.objects.get(pk=plan.pk).status == "checked_in"

    # Record the visit.
    phone.goto(rep, "/activities/today/")
    rep.click(f"[data-testid=record-{plan.pk}]")
    phone.check(rep)
    rep.fill("[name=outcome]", "客户认可方案，约定下周技术交流")
    rep.fill("[name=next_step]", "准备技术交流材料")
    screenshot(rep, "field-work-phone-2-record")
    rep.click("[data-testid=save-record]")
    rep.wait_for_load_state("load")
    phone.check(rep)
    assert VisitPlan.objects.get(pk=plan.pk).status == "done"
    assert Activity.objects.filter(owner=org.rep_a, kind="visit", visit_plan=plan).count() == 1

    # Record a follow-up call from the today page.
    phone.goto(rep, "/activities/today/")
    rep.click("[data-testid=record-followup]")
    phone.check(rep)
    rep.fill("input[name=q]", "外勤测试")
    rep.press("input[name=q]", "Enter")
    rep.wait_for_selector("[data-testid=customer-choices]")
    rep.click(f"[data-testid=customer-choices] >> text={customer.name}")
    rep.wait_for_selector("[data-testid=save-followup]")
    phone.check(rep)
    rep.locator("label", has_text="电话").first.click()
    rep.fill("[name=subject]", "电话确认交流时间")
    rep.click("[data-testid=save-followup]")
    rep.wait_for_load_state("load")
    phone.check(rep)
    assert Activity.objects.filter(owner=org.rep_a, kind="call").count() == 1

    # The daily report: its live figures show the visit and the follow-up; write it and submit it.
    phone.goto(rep, "/activities/today/")
    rep.click("[data-testid=write-daily-report]")
    rep.wait_for_selector("[data-testid=report-figures]")
    phone.check(rep)
    assert figure(rep, "visits_done") == "1"
    assert figure(rep, "followups") == "1"
    assert figure(rep, "customers_touched") == "1"
    assert "今日总结" in rep.locator("[data-testid=report-form]").inner_text()
    rep.fill("[name=summary]", "拜访外勤测试客户，客户认可方案")
    rep.fill("[name=problems]", "技术交流需要售前支持")
    rep.fill("[name=help_needed]", "请安排一位售前工程师")
    rep.fill("[name=plan]", "准备技术交流材料")
    screenshot(rep, "field-work-phone-3-report")
    rep.click("[data-testid=submit-report]")
    rep.wait_for_selector("[data-testid=report-status]")
    phone.check(rep)
    assert rep.locator("[data-testid=report-status]").inner_text() == "已提交"
    report = WorkReport.objects.get(owner=org.rep_a, kind="daily")
    assert report.status == "submitted"
    assert (report.figures["visits_done"], report.figures["followups"]) == (1, 1)
    assert Notification.objects.filter(recipient=org.manager_east, kind="report_submitted").exists()
    screenshot(rep, "field-work-phone-4-submitted")

    # The manager (1280 px): the work reports list, the report, a comment, "mark as reviewed".
    manager = login(new_page(DESKTOP | {"width": 1280}), org.manager_east.username)
    desk.goto(manager, "/activities/reports/")
    assert str(org.rep_a2) in manager.locator("[data-testid=missing-reports]").inner_text()
    manager.click(f"[data-testid=report-table] a[href='{report.get_absolute_url()}']")
    manager.wait_for_selector("[data-testid=report-text]")
    desk.check(manager)
    assert "请安排一位售前工程师" in manager.locator("[data-testid=report-text]").inner_text()
    assert figure(manager, "visits_done") == "1"
    manager.fill("[name=text]", "方案方向正确，售前下周二可以支持")
    manager.click("[data-testid=add-comment]")
    manager.wait_for_selector("text=方案方向正确")
    desk.check(manager)
    manager.click("[data-testid=mark-reviewed]")
    manager.wait_for_selector("[data-testid=reviewed-by]")
    desk.check(manager)
    assert manager.locator("[data-testid=report-status]").inner_text() == "已审阅"
    screenshot(manager, "field-work-desktop-5-reviewed")

    # The team summary: the same figures for the whole team, a row per person with their report.
    desk.goto(manager, "/activities/reports/team/")
    assert figure(manager, "visits_done") == "1" and figure(manager, "followups") == "1"
    rows = manager.locator("[data-testid=team-rows]").inner_text()
    assert "已审阅" in rows and "未填写" in rows, rows
    screenshot(manager, "field-work-desktop-6-team")
    manager_phone = login(new_page(PHONE), org.manager_east.username)
    phone.goto(manager_phone, "/activities/reports/team/?kind=weekly")
    screenshot(manager_phone, "field-work-phone-team-weekly")

    # The rep sees the comment and the review.
    phone.goto(rep, report.get_absolute_url())
    assert "方案方向正确，售前下周二可以支持" in rep.locator("[data-testid=report-comments]").inner_text()
    assert rep.locator("[data-testid=report-status]").inner_text() == "已审阅"
    assert Notification.objects.filter(recipient=org.rep_a, kind="report_comment").exists()
    screenshot(rep, "field-work-phone-7-comment")
    phone.goto(rep, "/activities/reports/")
    screenshot(rep, "field-work-phone-8-list")
