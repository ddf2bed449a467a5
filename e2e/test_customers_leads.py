"""Browser flows for issue 3: lead -> convert -> customer 360; pool claim; import; phone width."""

import io

import pytest
from openpyxl import Workbook

from e2e.conftest import PHONE, login, screenshot
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_lead_to_customer_360_flow(new_page, org):
    page = login(new_page(), org.rep_a.username)
    page.goto("/leads/new/")
    page.fill("input[name=company]", "苏州天元智能制造有限公司")
    page.fill("input[name=contact_name]", "周经理")
    page.fill("input[name=phone]", "13912345678")
    page.click("[data-testid=save-lead]")
    page.wait_for_url("**/leads/*/")
    assert page.locator("[data-testid=lead-status]").inner_text() == "新建"
    page.fill("input[name=opportunity_subject]", "产线 MES 项目")
    page.fill("input[name=amount]", "380000")
    screenshot(page, "lead-detail")
    page.click("[data-testid=convert]")
    page.wait_for_url("**/customers/*/")
    assert page.locator("h1").inner_text() == "苏州天元智能制造有限公司"
    assert "周经理" in page.locator("[data-testid=contacts]").inner_text()
    assert "产线 MES 项目" in page.locator("[data-testid=opportunities-section]").inner_text()
    screenshot(page, "customer-360")
    lead = Lead.objects.get()
    assert lead.status == "converted" and lead.converted_customer.name == "苏州天元智能制造有限公司"


def test_duplicate_lead_is_flagged_before_it_is_created(new_page, org):
    make_customer(org.rep_a, name="杭州海纳物流有限公司")
    page = login(new_page(), org.rep_a.username)
    page.goto("/leads/new/")
    page.fill("input[name=company]", "杭州海纳物流股份有限公司")
    page.fill("input[name=phone]", "13700000000")
    page.click("[data-testid=save-lead]")
    assert page.locator("[data-testid=duplicates]").is_visible()
    assert Lead.objects.count() == 0


def test_claim_from_pool_on_a_phone(new_page, org):
    pooled = make_customer(None, name="公海里的好客户有限公司")
    page = login(new_page(PHONE), org.rep_a.username)
    page.goto("/customers/pool/")
    screenshot(page, "pool-phone")
    page.click(f"[data-testid=claim-{pooled.pk}]")
    page.wait_for_url(f"**/customers/{pooled.pk}/")
    assert org.rep_a.username in page.locator("[data-testid=owner]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "customer-360-phone")


def test_customer_list_filter_and_import_in_the_browser(new_page, org, tmp_path, background_worker):
    make_customer(org.rep_a, name="甲制造有限公司", industry="制造业")
    make_customer(org.rep_a, name="乙零售有限公司", industry="零售")
    page = login(new_page(), org.rep_a.username)
    page.goto("/customers/?industry=制造业")
    assert "甲制造有限公司" in page.content() and "乙零售有限公司" not in page.content()
    screenshot(page, "customers-filtered")

    workbook = Workbook()
    workbook.active.append(["客户名称", "行业"])
    workbook.active.append(["导入测试有限公司", "教育"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "customers.xlsx"
    path.write_bytes(buffer.getvalue())
    page.goto("/import/customers/")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-testid=confirm-import]")
    screenshot(page, "import-preview")
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("[data-testid=import-done]")
    assert Customer.objects.filter(name="导入测试有限公司", owner=org.rep_a).exists()
