"""Quotations in the browser: made from the opportunity page, and every quotation page fits a 375 px phone."""

from decimal import Decimal

import pytest

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.contracts.tests.quotation_factories import make_opportunity, make_product, make_quotation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_rep_makes_a_quotation_from_the_opportunity_page(new_page, org):
    opportunity = make_opportunity(org.rep_a, subject="上海浦东新区智能制造装备采购项目")
    product = make_product(name="工业控制服务器（企业版）", list_price=Decimal("12000"))
    page = login(new_page(DESKTOP), org.rep_a.username)
    page.goto(f"/opportunities/{opportunity.pk}/")
    page.click("[data-testid=new-quotation]")
    page.select_option("select[name=lines-0-product]", str(product.pk))
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("input[name=lines-0-discount_rate]", "5")
    page.click("[data-testid=save-quotation]")
    page.wait_for_url("**/contracts/quotations/*/")
    # 2 × 12,000 − 5% = 22,800, plus 13% tax 2,964 = 25,764
    assert page.locator("[data-testid=quotation-total]").inner_text() == "¥25,764.00"
    screenshot(page, "quotation-detail-desktop")


@pytest.mark.parametrize("which", ["list", "detail", "edit", "new"])
def test_quotation_pages_fit_a_phone(new_page, org, which):
    product = make_product(name="上海浦东新区智能制造装备科技有限公司定制工业控制服务器",
                           list_price=Decimal("123456.78"))
    quotation = make_quotation(org.rep_a, lines=[{"product": product, "quantity": Decimal(3),
                                                  "discount_rate": Decimal(25)}])
    path = {"list": "/contracts/quotations/", "detail": f"/contracts/quotations/{quotation.pk}/",
            "edit": f"/contracts/quotations/{quotation.pk}/edit/",
            "new": f"/contracts/quotations/new/{quotation.opportunity_id}/"}[which]
    page = login(new_page(PHONE), org.rep_a.username)
    assert page.goto(path).status == 200
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px phone"
    screenshot(page, f"quotation-{which}-phone")
