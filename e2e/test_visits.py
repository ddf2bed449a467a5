"""A rep's visit on a 375 px phone: the "today" page, check in (with the location when the browser allows it, without
it when refused), record the visit with the next visit, and the next plan appears. A manager reads the team's week.
Every page visited is in Chinese and does not scroll sideways."""

import datetime
import re

import pytest
from django.utils import timezone

from e2e.conftest import PHONE, login, screenshot
from salesflow.activities.models import Activity, VisitPlan
from salesflow.activities.tests.factories import make_plan
from salesflow.customers.models import Contact
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_ENGLISH = {"No"}
WIDE_ELEMENTS = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 375)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.getAttribute('name') || ''))"""


def phone_page(browser, live_server, *, allow_location: bool):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="zh-CN", is_mobile=True, has_touch=True,
        permissions=["geolocation"] if allow_location else [],
        geolocation={"latitude": 31.230416, "longitude": 121.473701, "accuracy": 25} if allow_location else None)
    context.set_default_timeout(15000)
    return context, context.new_page()


def check(page):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    text = re.sub(r"\b(rep_a|rep_a2|manager_east)\b", "", page.locator("main").inner_text())
    english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
    assert not english, (page.url, english)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width, page.evaluate(WIDE_ELEMENTS))


def test_rep_checks_in_with_location_records_the_visit_and_sees_the_next_plan(org, browser, live_server):
    customer = make_customer(org.rep_a, name="上海东方精密机械制造有限公司")
    contact = Contact.objects.create(customer=customer, name="王经理")
    plan = make_plan(org.rep_a, customer, objective="演示新版系统并确认试点范围", commitment_sought="同意试点")
    plan.contacts.set([contact])
    context, page = phone_page(browser, live_server, allow_location=True)
    try:
        login(page, org.rep_a.username)
        page.goto("/activities/today/")
        check(page)
        assert page.locator(f"[data-testid=plan-{plan.pk}]").is_visible()
        screenshot(page, "visits-phone-today")
        with page.expect_navigation():  # the page script posts once the location has answered
            page.click(f"[data-testid=check-in-{plan.pk}]")
        page.wait_for_url(re.compile(r"/activities/today/"))
        check(page)
        stored = VisitPlan.objects.get(pk=plan.pk)
        assert stored.status == VisitPlan.Status.CHECKED_IN
        assert (float(stored.latitude), float(stored.longitude)) == (31.230416, 121.473701)
        page.click(f"[data-testid=record-{plan.pk}]")
        check(page)
        next_day = timezone.localdate() + datetime.timedelta(days=7)
        page.fill("[name=outcome]", "客户认可方案，同意下周试点")
        page.select_option("[name=commitment_obtained]", "yes")
        page.fill("[name=next_step]", "试点启动会")
        page.fill("[name=next_contact_on]", next_day.isoformat())
        screenshot(page, "visits-phone-record")
        page.click("[data-testid=save-record]")
        page.wait_for_url(re.compile(rf"/activities/visits/{plan.pk}/$"))
        check(page)
        assert "试点启动会" in page.locator("[data-testid=visit-record]").inner_text()
        activity = Activity.objects.get(visit_plan=plan)
        assert activity.commitment_obtained is True
        following = VisitPlan.objects.get(source_activity=activity)
        assert following.planned_on == next_day and following.objective == "试点启动会"
        page.goto(f"/activities/visits/?day={next_day.isoformat()}")
        check(page)
        assert page.locator(f"[data-testid=plan-{following.pk}]").is_visible()
        screenshot(page, "visits-phone-week")
    finally:
        context.close()


def test_check_in_works_when_the_location_is_refused(org, browser, live_server):
    plan = make_plan(org.rep_a, make_customer(org.rep_a, name="北方物流"))
    context, page = phone_page(browser, live_server, allow_location=False)
    try:
        login(page, org.rep_a.username)
        page.goto(f"/activities/visits/{plan.pk}/")
        check(page)
        page.click("[data-testid=check-in]")
        page.wait_for_selector("[data-testid=checked-in-at]")
        check(page)
        stored = VisitPlan.objects.get(pk=plan.pk)
        assert stored.status == VisitPlan.Status.CHECKED_IN and stored.latitude is None
    finally:
        context.close()


def test_manager_reads_the_team_week_and_plans_for_a_rep_on_a_phone(org, browser, live_server):
    customer = make_customer(org.rep_a, name="杭州西湖电子科技有限公司")
    make_plan(org.rep_a2, make_customer(org.rep_a2, name="宁波港口设备"), objective="回访")
    context, page = phone_page(browser, live_server, allow_location=False)
    try:
        login(page, org.manager_east.username)
        page.goto("/activities/visits/")
        check(page)
        assert "宁波港口设备" in page.locator("main").inner_text()
        page.goto(f"/activities/visits/new/?customer={customer.pk}")
        check(page)
        page.select_option("[name=owner]", str(org.rep_a.pk))
        page.fill("[name=objective]", "陪同拜访，推动签约")
        page.click("[data-testid=save-plan]")
        page.wait_for_url(re.compile(r"/activities/visits/\d+/$"))
        check(page)
        assert VisitPlan.objects.get(customer=customer).owner == org.rep_a
        page.goto(customer.get_absolute_url())
        assert "陪同拜访，推动签约" in page.locator("[data-testid=visit-plans-section]").inner_text()
        screenshot(page, "visits-phone-manager")
    finally:
        context.close()


def test_a_future_plan_offers_no_check_in_and_says_to_move_it_to_today(org, browser, live_server):
    plan = make_plan(org.rep_a, make_customer(org.rep_a, name="明天的客户"),
                     on=timezone.localdate() + datetime.timedelta(days=1))
    context, page = phone_page(browser, live_server, allow_location=True)
    try:
        login(page, org.rep_a.username)
        page.goto(f"/activities/visits/{plan.pk}/")
        check(page)
        assert page.locator("[data-testid=check-in]").count() == 0
        assert "请先将计划日期改为今天" in page.locator("[data-testid=check-in-refusal]").inner_text()
        assert page.locator("[data-testid=record]").count() == 1
        assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED
    finally:
        context.close()
