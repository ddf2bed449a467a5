"""Contracts and orders in the browser: create an order with a line from a won opportunity, submit it, record a
delivery; every agreement page fits a 375 px phone."""

import datetime
from decimal import Decimal

import pytest

from e2e.conftest import PHONE, login, screenshot
from salesflow.contracts.agreements import services
from salesflow.contracts.models import Agreement
from salesflow.pipeline import services as pipeline_services
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Which elements stick out past the phone's width (named in the failure message).
WIDE_ELEMENTS = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 375)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.getAttribute('name') || ''))"""


def test_order_from_won_opportunity_submitted_and_delivered(new_page, org):
    customer = make_customer(org.rep_a, name="浏览器客户有限公司")
    opportunity = pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject="浏览器大单",
                                                     amount=Decimal("300"))
    pipeline_services.win_opportunity(actor=org.rep_a, opportunity=opportunity)
    page = login(new_page(), org.rep_a.username)
    page.goto(opportunity.get_absolute_url())
    page.click("[data-testid=create-order]")
    page.fill("[name=lines-0-description]", "显示器")
    page.fill("[name=lines-0-quantity]", "3")
    page.fill("[name=lines-0-unit_price]", "100")
    page.click("[data-testid=save-agreement]")
    page.wait_for_selector("[data-testid=agreement-status]")
    agreement = Agreement.objects.get()
    assert agreement.amount == Decimal("300.00") and agreement.opportunity == opportunity
    page.click("[data-testid=submit-agreement]")
    page.wait_for_selector("[data-testid=record-delivery]")
    line = agreement.lines.get()
    page.fill(f"[name=line_{line.pk}]", "2")
    page.fill("[name=delivered_on]", datetime.date.today().isoformat())
    page.click("[data-testid=record-delivery]")
    page.wait_for_selector(f"[data-testid=delivered-{line.pk}]")
    assert "2 / 3" in page.locator(f"[data-testid=delivered-{line.pk}]").inner_text()
    screenshot(page, "agreement-desktop")


def test_agreement_pages_fit_a_phone(new_page, org):
    agreement = services.create_agreement(actor=org.rep_a, data={
        "customer": make_customer(org.rep_a), "kind": "order", "title": "手机上的订单",
        "signed_on": datetime.date.today()},
        lines=[{"description": "很长的产品描述" * 4, "quantity": 12, "unit_price": "12345.67", "tax_rate": 13}])
    phone = login(new_page(PHONE), org.rep_a.username)
    for path in ("/contracts/agreements/", agreement.get_absolute_url(), f"/contracts/agreements/{agreement.pk}/edit/",
                 f"/contracts/agreements/new/?customer={agreement.customer_id}", agreement.customer.get_absolute_url()):
        phone.goto(path)
        wide = phone.evaluate(WIDE_ELEMENTS)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (path, wide)
    screenshot(phone, "agreement-phone")
