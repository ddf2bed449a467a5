"""The whole order-to-cash chain in a browser, with the real forms and buttons, at desktop and at phone width:
a rep wins an opportunity of ≥100,000, creates the contract from it, splits the payment plan in two instalments and
submits it; the team manager approves it from the inbox; finance records a payment per instalment; the rep requests
an invoice for the full amount and finance issues it. Then the agreement shows everything collected and invoiced,
the receivables page and the customer 360 page show nothing outstanding. At 375 px no page visited scrolls sideways.
"""

import datetime
import re
from decimal import Decimal

import pytest

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.approvals.models import ApprovalRequest
from salesflow.contracts.models import Agreement, Invoice
from salesflow.pipeline import services as pipeline_services
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AMOUNT = Decimal("120000")
FIRST, SECOND = Decimal("50000"), Decimal("70000")
# Words a page in Chinese may show: names, codes and abbreviations of this test's data and of the product.
NOT_ENGLISH = {"East", "CNY", "DSO", "XLSX", "CSV", "BANK", "No", "PDF", "Word",
               "Excel", "MB"}
# Which elements stick out past the phone's width (named in the failure message).
WIDE_ELEMENTS = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 375)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.getAttribute('name') || ''))"""


def money_text(value: Decimal) -> str:
    return f"{value:,.2f}"


class Visit:
    """Checks every page a user lands on: no server error and, at phone width, no sideways scroll."""

    def __init__(self, viewport, name):
        self.viewport, self.name, self.seen = viewport, name, []

    def check(self, page):
        page.wait_for_load_state("load")
        assert "Server Error" not in page.title(), page.url
        self.seen.append(page.url)
        text = re.sub(r"\b(rep_a|manager_east|finance)\b", "", page.locator("main").inner_text())
        english = set(re.findall(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)) - NOT_ENGLISH
        assert not english, (page.url, english)
        if self.viewport["width"] <= PHONE["width"]:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (page.url, width, page.evaluate(WIDE_ELEMENTS))

    def goto(self, page, path):
        page.goto(path)
        self.check(page)

    def shot(self, page, step):
        screenshot(page, f"o2c-{self.name}-{step}")


def totals(page) -> dict[str, str]:
    """The money panel's totals as {label: amount text}."""
    terms = page.locator("[data-testid=money-totals] dt").all_inner_texts()
    values = page.locator("[data-testid=money-totals] dd").all_inner_texts()
    return {t.strip(): v.replace("¥", "").strip() for t, v in zip(terms, values, strict=True)}


@pytest.mark.parametrize("viewport,name", [(DESKTOP | {"width": 1280}, "desktop"), (PHONE, "phone")],
                         ids=["1280px", "375px"])
def test_won_opportunity_to_contract_approval_payments_invoice_and_nothing_outstanding(new_page, org, viewport,
                                                                                          name):
    visit = Visit(viewport, name)
    customer = make_customer(org.rep_a, name="全链路测试客户有限公司")
    opportunity = pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject="全链路大单",
                                                     amount=AMOUNT)
    today = datetime.date.today()

    # The rep wins the opportunity and creates the contract from the won opportunity's page.
    rep = login(new_page(viewport), org.rep_a.username)
    visit.goto(rep, opportunity.get_absolute_url())
    rep.click(f"form[action='/opportunities/{opportunity.pk}/win/'] button[type=submit]")
    rep.wait_for_selector("[data-testid=stage-outcome]")
    visit.check(rep)
    rep.click("[data-testid=create-contract]")
    visit.check(rep)
    rep.fill("[name=title]", "全链路合同")
    rep.fill("[name=signed_on]", today.isoformat())
    rep.fill("[name=amount]", str(AMOUNT))
    rep.click("[data-testid=save-agreement]")
    rep.wait_for_selector("[data-testid=agreement-status]")
    visit.check(rep)
    agreement = Agreement.objects.get(opportunity=opportunity)
    assert agreement.kind == "contract" and agreement.amount == AMOUNT and agreement.status == "draft"

    # A two-instalment payment plan, then submit: 120,000 needs the team manager's approval.
    rep.click("[data-testid=edit-plan]")
    visit.check(rep)
    rep.fill("[name=form-0-due_on]", today.isoformat())
    rep.fill("[name=form-0-amount]", str(FIRST))
    rep.fill("[name=form-1-due_on]", (today + datetime.timedelta(days=30)).isoformat())
    rep.fill("[name=form-1-amount]", str(SECOND))
    visit.check(rep)
    rep.click("[data-testid=save-plan]")
    rep.wait_for_selector("[data-testid=agreement-status]")
    visit.check(rep)
    assert [i.amount for i in agreement.instalments.order_by("sequence")] == [FIRST, SECOND]
    rep.click("[data-testid=submit-agreement]")
    rep.wait_for_selector("[data-testid=agreement-status]")
    visit.check(rep)
    assert rep.locator("[data-testid=agreement-status]").inner_text() == "审批中"
    assert Agreement.objects.get(pk=agreement.pk).status == "pending"
    visit.shot(rep, "1-submitted")

    # The manager approves it from the inbox.
    manager = login(new_page(viewport), org.manager_east.username)
    visit.goto(manager, "/approvals/")
    manager.click(f"text={agreement.number}")
    visit.check(manager)
    manager.select_option("select[name=decision]", "approve")
    manager.fill("textarea[name=comment]", "同意")
    manager.click("button[type=submit]:has-text('提交决定')")
    manager.wait_for_url("**/approvals/")
    visit.check(manager)
    assert ApprovalRequest.objects.get().status == "approved"
    assert Agreement.objects.get(pk=agreement.pk).status == "active"

    # Finance sees the whole amount outstanding, then records one payment per instalment.
    finance = login(new_page(viewport), org.finance.username)
    visit.goto(finance, "/contracts/receivables/?group_by=customer")
    assert customer.name in finance.locator("[data-testid=ageing-table]").inner_text()
    visit.goto(finance, agreement.get_absolute_url())
    assert totals(finance)["未回款"] == money_text(AMOUNT)
    for number, (amount, reference) in enumerate(((FIRST, "BANK-001"), (SECOND, "BANK-002")), start=1):
        finance.click("[data-testid=record-payment]")
        visit.check(finance)
        finance.fill("#id_amount", str(amount))
        finance.fill("#id_reference", reference)
        finance.click("[data-testid=save-payment]")
        finance.wait_for_selector("[data-testid=money-panel]")
        visit.check(finance)
        assert reference in finance.locator("[data-testid=payments]").inner_text()
        instalment = agreement.instalments.get(sequence=number)
        assert instalment.collected_amount == amount
    assert totals(finance)["未回款"] == "0.00"
    visit.shot(finance, "2-paid")

    # The rep requests an invoice for the full amount; finance issues it with a number and a date.
    visit.goto(rep, agreement.get_absolute_url())
    rep.click("[data-testid=request-invoice]")
    visit.check(rep)
    rep.fill("#id_amount", str(AMOUNT))
    rep.click("[data-testid=save-invoice]")
    rep.wait_for_selector("[data-testid=money-panel]")
    visit.check(rep)
    assert Invoice.objects.get(agreement=agreement).status == "requested"
    visit.goto(finance, agreement.get_absolute_url())
    finance.locator("[data-testid=invoices] summary", has_text="开具").click()
    finance.fill("[data-testid=invoices] input[name=number]", "No.20260001")
    finance.fill("[data-testid=invoices] input[name=issued_on]", today.isoformat())
    finance.click("[data-testid=issue-invoice]")
    finance.wait_for_selector("text=No.20260001")
    visit.check(finance)
    invoice = Invoice.objects.get(agreement=agreement)
    assert (invoice.status, invoice.number, invoice.issued_on) == ("issued", "No.20260001", today)

    # The agreement: collected = invoiced = amount, outstanding 0.
    visit.goto(finance, agreement.get_absolute_url())
    assert finance.locator("[data-testid=agreement-status]").inner_text() == "生效"
    assert totals(finance) == {"金额": money_text(AMOUNT), "已回款": money_text(AMOUNT), "未回款": "0.00",
                               "已开票": money_text(AMOUNT)}
    facts = finance.locator("dl.facts").first.inner_text()
    assert re.search(rf"已回款\s*¥?{re.escape(money_text(AMOUNT))}\s*·\s*未回款\s*¥?0\.00", facts), facts
    visit.shot(finance, "3-agreement")
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.collected_amount == stored.invoiced_amount == AMOUNT and stored.outstanding_amount == 0

    # The receivables page: nothing outstanding for that customer.
    visit.goto(finance, "/contracts/receivables/?group_by=customer")
    assert customer.name not in finance.locator("[data-testid=ageing-table]").inner_text()
    assert "0.00" in finance.locator("[data-testid=ageing-total-row]").inner_text()
    visit.shot(finance, "4-receivables")

    # The customer 360 page: the contract fully collected, nothing receivable.
    visit.goto(rep, customer.get_absolute_url())
    section = rep.locator("[data-testid=agreements-section]").inner_text()
    assert agreement.number in section and section.count(money_text(AMOUNT)) == 2, section
    receivables = rep.locator("[data-testid=receivables-section]").inner_text()
    assert re.search(r"未回款\s*¥?0\.00", receivables) and agreement.number not in receivables, receivables
    if name == "phone":  # the money sections read as cards: no column hidden past the edge of the phone
        for section in ("agreements-section", "receivables-section", "payments-section"):
            cut = rep.evaluate(f"""Array.from(document.querySelectorAll('[data-testid={section}] td'))
                .filter(e => e.getBoundingClientRect().right > {PHONE["width"]}).map(e => e.innerText)""")
            assert not cut, (section, cut)
    visit.shot(rep, "5-customer")
