"""Browser test of money: record a payment and issue an invoice on the agreement's money panel until nothing is
outstanding, and every money page fits a 375 px phone without sideways scrolling."""

import datetime

import pytest

from e2e.conftest import PHONE, login, screenshot
from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables import services
from salesflow.contracts.receivables.tests.factories import make_agreement

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_payment_and_invoice_until_nothing_is_outstanding_on_desktop_and_phone(new_page, org):
    today = datetime.date.today()
    agreement = make_agreement(org.rep_a, amount="12000", plan=[(today - datetime.timedelta(days=5), "5000"),
                                                               (today + datetime.timedelta(days=25), "7000")])
    services.request_invoice(agreement, amount="12000", type="special", tax_rate=13, actor=org.rep_a)
    page = login(new_page(), org.finance.username)
    page.goto(f"/contracts/agreements/{agreement.pk}/money/")
    assert "逾期" in page.locator("[data-testid=instalments]").inner_text()
    page.click("[data-testid=record-payment]")
    page.fill("#id_amount", "12000")
    page.fill("#id_reference", "BANK-001")
    page.click("[data-testid=save-payment]")
    page.wait_for_selector("[data-testid=money-panel]")
    assert page.locator("[data-testid=outstanding]").inner_text().replace("¥", "").strip() == "0.00"
    page.locator("[data-testid=invoices] summary", has_text="开具").click()
    page.fill("[data-testid=invoices] input[name=number]", "No.88001")
    page.click("[data-testid=issue-invoice]")
    page.wait_for_selector("text=No.88001")
    assert Agreement.objects.get(pk=agreement.pk).collected_amount == agreement.amount
    screenshot(page, "money-panel-desktop")
    phone = login(new_page(PHONE), org.finance.username)
    for path in (f"/contracts/agreements/{agreement.pk}/money/", "/contracts/payments/", "/contracts/invoices/",
                 "/contracts/receivables/", "/contracts/collections/"):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    screenshot(phone, "receivables-phone")
    rep_phone = login(new_page(PHONE), org.rep_a.username)
    rep_phone.goto(f"/contracts/agreements/{agreement.pk}/plan/")
    assert rep_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
