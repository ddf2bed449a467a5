"""Tasks and the calendar in a browser, at desktop and phone width: the manager assigns a task to a rep from the
form (assignee picker, due date and time), the rep finds it on the task list, opens it and marks it done with one
click, then reads the calendar's day, week and month; the manager picks the whole team on the calendar. Pages are in
Chinese and at 375 px nothing scrolls sideways."""

import datetime
import re

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.activities.models import Activity, Task
from salesflow.activities.tests.factories import make_activity, make_plan
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_ENGLISH = {"XLSX", "CSV", "SalesFlow"}
WIDE_ELEMENTS = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 375)
    .slice(0, 8).map(e => e.tagName + '.' + e.className)"""


def check(page, viewport):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    text = re.sub(r"\b(rep_a2?|manager_east)\b", "", page.locator("main").inner_text())
    english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
    assert not english, (page.url, english)
    if viewport["width"] <= PHONE["width"]:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (page.url, width, page.evaluate(WIDE_ELEMENTS))


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
def test_manager_assigns_a_task_rep_completes_it_and_reads_the_calendar(new_page, org, viewport, name):
    customer = make_customer(org.rep_a, name="日历测试客户有限公司")
    today = timezone.localdate()
    make_plan(org.rep_a, customer, on=today, planned_time=datetime.time(9, 30), objective="介绍新产品方案")
    make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT, subject="上门拜访采购部",
                  at=timezone.now() - datetime.timedelta(minutes=1))

    manager = login(new_page(viewport), org.manager_east.username)
    manager.goto(f"/activities/tasks/new/?customer={customer.pk}")
    check(manager, viewport)
    assert "日历测试客户有限公司" in manager.locator("[data-testid=task-links]").inner_text()
    manager.fill("input[name=title]", "准备报价单")
    manager.select_option("select[name=owner]", str(org.rep_a.pk))
    manager.select_option("select[name=priority]", "3")
    manager.fill("input[name=due_date]", today.isoformat())
    manager.fill("input[name=due_time]", "23:59")
    manager.click("[data-testid=save-task]")
    manager.wait_for_url(re.compile(r"/activities/tasks/\d+/$"))
    check(manager, viewport)
    task = Task.objects.get(title="准备报价单")
    assert (task.owner_id, task.customer_id, task.created_by_id) == (org.rep_a.pk, customer.pk, org.manager_east.pk)

    rep = login(new_page(viewport), org.rep_a.username)
    rep.goto("/activities/tasks/")
    check(rep, viewport)
    screenshot(rep, f"tasks-{name}-list")
    rep.click(f"[data-testid=task-row-{task.pk}] a")
    check(rep, viewport)
    rep.click("[data-testid=task-done]")
    rep.wait_for_load_state("load")
    assert rep.locator("[data-testid=task-status]").inner_text().strip() == "已完成"
    assert Task.objects.get(pk=task.pk).done_at is not None

    for view in ("day", "week", "month"):
        rep.goto(f"/activities/calendar/?view={view}")
        check(rep, viewport)
        calendar = rep.locator("[data-testid=calendar]").inner_text()
        assert "准备报价单" in calendar and "介绍新产品方案" in calendar and "上门拜访采购部" in calendar
        screenshot(rep, f"calendar-{name}-{view}")
    rep.click("[data-testid=cal-next]")
    check(rep, viewport)
    assert "准备报价单" not in rep.locator("[data-testid=calendar]").inner_text()

    manager.goto("/activities/calendar/?view=week")
    manager.select_option("[data-testid=owner-pick]", "team")
    manager.wait_for_url(re.compile(r"owner=team"))
    check(manager, viewport)
    assert "准备报价单" in manager.locator("[data-testid=calendar]").inner_text()
    screenshot(manager, f"calendar-{name}-team-week")
