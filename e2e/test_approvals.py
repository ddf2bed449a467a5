"""Approvals in the browser: the manager decides from the inbox; every approval page fits a 375 px phone."""

from decimal import Decimal

import pytest

from e2e.conftest import PHONE, login, screenshot
from salesflow.approvals import registry, services
from salesflow.approvals.models import ApprovalRequest
from salesflow.customers.models import Customer
from salesflow.testing.factories import make_customer

# serialized_rollback, as every browser test: the seeded rules, pipeline and stages come back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def approvable():
    approved = []
    registry.register(Customer, on_approved=lambda document, actor: approved.append(document.pk))
    yield approved
    registry.unregister(Customer)


def test_manager_approves_from_the_inbox_and_pages_fit_a_phone(new_page, org, approvable):
    customer = make_customer(org.rep_a, name="审批测试客户有限公司")
    request = services.submit(customer, kind="agreement", amount=Decimal("150000"), actor=org.rep_a,
                              note="首单，请尽快")
    page = login(new_page(), org.manager_east.username)
    page.goto("/")
    page.click("[data-testid=approvals-tile]")
    page.click(f"text={customer.name}")
    page.select_option("select[name=decision]", "approve")
    page.fill("textarea[name=comment]", "同意")
    page.click("button[type=submit]:has-text('提交决定')")
    page.wait_for_url("**/approvals/")
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"
    assert approvable == [customer.pk]
    screenshot(page, "approvals-inbox-desktop")

    for who, paths in ((org.manager_east, ["/approvals/", "/approvals/?tab=decided", f"/approvals/{request.pk}/"]),
                       (org.rep_a, ["/approvals/mine/", f"/approvals/{request.pk}/"]),
                       (org.admin, ["/approvals/rules/", "/approvals/rules/new/"])):
        phone = login(new_page(PHONE), who.username)
        for path in paths:
            phone.goto(path)
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    screenshot(phone, "approvals-rules-phone")
