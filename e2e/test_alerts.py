"""Alerts in a browser, in Chinese, at desktop and phone width: a stalled deal raises a red alert that the rep sees on
the home tile and in the alert centre, acknowledges and resolves with a note; the admin sets up a DingTalk robot
channel (the secret is never shown back), sends a test message that reaches a local robot with a valid signature,
and reads the delivery log; nothing scrolls sideways at 375 px."""

import datetime
import re

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.core.worker import run_once
from salesflow.insights.alerts.services import evaluate_rule
from salesflow.insights.models import Alert, AlertRule, Channel
from salesflow.pipeline.models import Opportunity
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer
from salesflow.testing.robots import robot_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_ENGLISH = {"SalesFlow", "Webhook", "DingTalk", "Feishu", "WeCom", "URL"}


def check(page, viewport):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    text = re.sub(r"\b(rep_a2?|manager_east|admin|SEC\w+|East(-1)?)\b", "", page.locator("main").inner_text())
    text = re.sub(r"https?://\S+", "", text)
    english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
    assert not english, (page.url, english)
    if viewport["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
def test_a_rep_handles_a_red_alert(new_page, org, viewport, name):
    deal = open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="停滞的大单", amount=500000)
    Opportunity.objects.filter(pk=deal.pk).update(stage_entered_at=timezone.now() - datetime.timedelta(days=45))
    evaluate_rule(AlertRule.objects.get(metric="stalled_opportunity"))

    rep = login(new_page(viewport), org.rep_a.username)
    tile = rep.locator("[data-testid=tile-red-alerts]")
    assert "1" in tile.inner_text()
    tile.locator("a").first.click() if tile.locator("a").count() else tile.click()
    rep.wait_for_url(re.compile(r"/insights/alerts/"))
    check(rep, viewport)
    assert "停滞的大单" in rep.locator("[data-testid=alert-table]").inner_text()
    screenshot(rep, f"alerts-centre-{name}")
    rep.click("text=停滞的大单")
    rep.wait_for_url(re.compile(r"/insights/alerts/\d+/$"))
    check(rep, viewport)
    rep.click("[data-testid=acknowledge]")
    rep.wait_for_load_state("load")
    assert rep.locator("[data-testid=alert-status]").inner_text() == "已确认"
    rep.click("[data-testid=resolve]")  # without a note: refused, says why
    rep.wait_for_load_state("load")
    assert "请说明采取了什么措施" in rep.content()
    rep.fill("textarea[name=note]", "已约客户下周三演示")
    rep.click("[data-testid=resolve]")
    rep.wait_for_load_state("load")
    assert rep.locator("[data-testid=alert-status]").inner_text() == "已解决"
    assert "已约客户下周三演示" in rep.locator("[data-testid=alert-events]").inner_text()
    screenshot(rep, f"alert-detail-{name}")
    assert Alert.objects.get().status == "resolved"


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
def test_the_admin_connects_a_dingtalk_robot_and_sends_a_test_message(new_page, org, viewport, name):
    with robot_server(dingtalk="SECdemo123") as (base, robots):
        admin = login(new_page(viewport), org.admin.username)
        admin.goto("/insights/settings/channels/new/")
        check(admin, viewport)
        admin.fill("input[name=name]", "华东销售群")
        admin.select_option("select[name=kind]", "dingtalk")
        admin.fill("input[name=url]", f"{base}/dingtalk/robot/send?access_token=abc")
        admin.fill("input[name=secret]", "SECdemo123")
        admin.click("button[type=submit].primary")
        admin.wait_for_url(re.compile(r"/insights/settings/channels/\d+/$"))
        check(admin, viewport)
        assert "SECdemo123" not in admin.content()
        admin.click("[data-testid=send-test]")
        admin.wait_for_load_state("load")
        run_once(schedules=False)
        admin.goto("/insights/settings/deliveries/")
        check(admin, viewport)
        assert "已发送" in admin.locator("[data-testid=delivery-table]").inner_text()
        screenshot(admin, f"delivery-log-{name}")
        admin.goto("/insights/settings/alert-rules/")
        check(admin, viewport)
        screenshot(admin, f"alert-rules-{name}")
    assert len(robots.received) == 1 and robots.received[0].signature_ok is True
    assert Channel.objects.get().secret == "SECdemo123"
