"""A rep records a follow-up from the customer 360 on a phone: the 记录跟进 button, the type as big buttons, the
contact picker with only that customer's contacts, back to the customer page where the timeline shows it; then
opens it, edits it, and the change history names the change. At 375 px no page scrolls sideways."""

import pytest

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.activities.models import Activity
from salesflow.customers.models import Contact, Customer
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def no_sideways_scroll(page, viewport):
    page.wait_for_load_state("load")
    assert "Server Error" not in page.title(), page.url
    if viewport["width"] <= PHONE["width"]:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (page.url, width)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_rep_records_a_follow_up_from_the_customer_page_and_edits_it(new_page, org, viewport):
    customer = make_customer(org.rep_a, name="跟进测试客户有限公司")
    Contact.objects.create(customer=customer, name="王总")
    Contact.objects.create(customer=make_customer(org.rep_a, name="别家公司"), name="别家的李总")
    page = login(new_page(viewport), org.rep_a.username)
    page.goto(customer.get_absolute_url())
    no_sideways_scroll(page, viewport)
    page.click("[data-testid=record-followup]")
    no_sideways_scroll(page, viewport)
    assert page.locator("select[name=contact] option").all_inner_texts()[1:] == ["王总"]
    page.click("label.kind-button:has-text('微信')")
    page.fill("[name=subject]", "发了产品资料")
    page.fill("[name=notes]", "客户说下周回复")
    page.select_option("select[name=contact]", label="王总")
    screenshot(page, f"followup-form-{viewport['width']}")
    page.click("[data-testid=save-followup]")
    page.wait_for_url(f"**{customer.get_absolute_url()}")
    no_sideways_scroll(page, viewport)
    timeline = page.locator("[data-testid=followup-timeline]")
    assert "发了产品资料" in timeline.inner_text() and "微信" in timeline.inner_text()
    activity = Activity.objects.get()
    assert (activity.kind, activity.contact.name, activity.owner) == ("wechat", "王总", org.rep_a)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == activity.occurred_at

    timeline.locator("a", has_text="发了产品资料").click()
    no_sideways_scroll(page, viewport)
    page.click("[data-testid=edit-followup]")
    no_sideways_scroll(page, viewport)
    page.fill("[name=subject]", "发了产品资料和报价")
    page.click("[data-testid=save-followup]")
    page.wait_for_selector("[data-testid=change-history]")
    no_sideways_scroll(page, viewport)
    assert "发了产品资料和报价" in page.locator("h1").inner_text()
    assert "主题" in page.locator("[data-testid=change-history]").inner_text()
    screenshot(page, f"followup-detail-{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_rep_deletes_a_follow_up_after_confirming_and_cancel_keeps_it(new_page, org, viewport):
    from salesflow.activities.tests.factories import make_activity

    customer = make_customer(org.rep_a, name="删除测试客户有限公司")
    activity = make_activity(org.rep_a, customer, subject="误记的电话")
    page = login(new_page(viewport), org.rep_a.username)
    page.goto(activity.get_absolute_url())
    page.click("[data-testid=delete-followup]")
    page.wait_for_selector("[data-testid=confirm-delete]")
    no_sideways_scroll(page, viewport)
    assert "误记的电话" in page.locator("[data-testid=confirm-delete]").inner_text()
    page.click("[data-testid=cancel-delete-followup]")
    page.wait_for_url(f"**{activity.get_absolute_url()}")
    assert Activity.objects.filter(pk=activity.pk).exists()
    page.click("[data-testid=delete-followup]")
    page.click("[data-testid=confirm-delete-followup]")
    page.wait_for_url("**/activities/followups/")
    no_sideways_scroll(page, viewport)
    assert not Activity.objects.filter(pk=activity.pk).exists()
