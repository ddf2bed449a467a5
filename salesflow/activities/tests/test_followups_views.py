"""Follow-up pages: list (filters, permissions, export), record (prefill, 375 px form), detail, edit, delete, and
the timelines on the customer, opportunity, lead and agreement pages."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.activities.tests.factories import make_activity
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.core.models import AuditEntry
from salesflow.customers.models import Contact, Customer
from salesflow.leads.models import Lead
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer

LIST = "/activities/followups/"
NEW = "/activities/followups/new/"


def _opportunity(owner, customer, subject="CRM 项目"):
    return open_opportunity(actor=owner, customer=customer, subject=subject, amount=Decimal(1000))


def test_list_shows_a_rep_only_their_own_follow_ups(org, client_for):
    mine = make_activity(org.rep_a, make_customer(org.rep_a), subject="我的电话")
    make_activity(org.rep_a2, make_customer(org.rep_a2), subject="同事的电话")
    make_activity(org.rep_b, make_customer(org.rep_b), subject="西区的电话")
    page = client_for(org.rep_a).get(LIST).content.decode()
    assert mine.subject in page and "同事的电话" not in page and "西区的电话" not in page


def test_manager_sees_the_subtree_only_and_finance_sees_nothing(org, client_for):
    make_activity(org.rep_a, make_customer(org.rep_a), subject="东区一")
    make_activity(org.rep_a2, make_customer(org.rep_a2), subject="东区二")
    make_activity(org.rep_b, make_customer(org.rep_b), subject="西区的电话")
    page = client_for(org.manager_east).get(LIST).content.decode()
    assert "东区一" in page and "东区二" in page and "西区的电话" not in page
    finance = client_for(org.finance).get(LIST).content.decode()
    assert "东区一" not in finance and "西区的电话" not in finance


def test_menu_lists_follow_ups_for_sales_roles_only(org, client_for):
    assert 'href="/activities/followups/"' in client_for(org.rep_a).get("/").content.decode()
    assert 'href="/activities/followups/"' not in client_for(org.finance).get("/").content.decode()


def test_list_filters_by_type_owner_customer_name_and_dates(org, client_for):
    alpha = make_customer(org.rep_a, name="阿尔法科技")
    beta = make_customer(org.rep_a2, name="贝塔制造")
    now = timezone.now()
    make_activity(org.rep_a, alpha, kind="call", subject="电话A", at=now - datetime.timedelta(days=10))
    make_activity(org.rep_a, alpha, kind="wechat", subject="微信A", at=now - datetime.timedelta(days=1))
    make_activity(org.rep_a2, beta, kind="call", subject="电话B", at=now - datetime.timedelta(days=1))
    client = client_for(org.manager_east)

    def subjects(query):
        response = client.get(LIST + query)
        assert response.status_code == 200
        return {a.subject for a in response.context["page"].object_list}

    assert subjects("?kind=call") == {"电话A", "电话B"}
    assert subjects(f"?owner={org.rep_a2.pk}") == {"电话B"}
    assert subjects("?q=阿尔法") == {"电话A", "微信A"}
    since = timezone.localdate() - datetime.timedelta(days=3)
    assert subjects(f"?date_from={since:%Y-%m-%d}") == {"微信A", "电话B"}
    assert subjects(f"?date_to={since:%Y-%m-%d}") == {"电话A"}
    assert subjects(f"?owner={org.rep_b.pk}") == set()  # not in the picker: an invalid filter shows nothing


def test_export_xlsx_has_visible_rows_only_and_neutralises_formulas(org, client_for):
    customer = make_customer(org.rep_a, name="阿尔法科技")
    make_activity(org.rep_a, customer, subject="=HYPERLINK(\"http://x\")", notes="+cmd")
    make_activity(org.rep_b, make_customer(org.rep_b), subject="西区的电话")
    response = client_for(org.rep_a).get(LIST + "?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "类型", "主题", "客户")
    assert len(rows) == 2
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")" and rows[1][3] == "阿尔法科技" and rows[1][8] == "'+cmd"
    assert AuditEntry.objects.filter(action="export").exists()


def test_export_csv_reads_back(org, client_for):
    make_activity(org.rep_a, make_customer(org.rep_a, name="阿尔法科技"), kind="visit", subject="上门拜访")
    body = client_for(org.rep_a).get(LIST + "?export=csv").content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2 and "上门拜访" in lines[1] and "拜访" in lines[1] and "阿尔法科技" in lines[1]


def test_create_form_is_prefilled_from_the_opportunity_and_lists_only_its_customers_contacts(org, client_for):
    customer = make_customer(org.rep_a)
    theirs = Contact.objects.create(customer=customer, name="王总")
    Contact.objects.create(customer=make_customer(org.rep_a), name="别家的李总")
    opportunity = _opportunity(org.rep_a, customer)
    response = client_for(org.rep_a).get(f"{NEW}?opportunity={opportunity.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["contact"].queryset) == [theirs]
    assert form.initial["opportunity"] == opportunity.pk
    assert response.context["records"]["customer"] == customer
    page = response.content.decode()
    assert 'type="radio" name="kind"' in page and 'type="datetime-local"' in page
    assert "别家的李总" not in page


def test_recording_a_follow_up_from_the_customer_page_moves_last_contact_and_returns(org, client_for):
    customer = make_customer(org.rep_a)
    contact = Contact.objects.create(customer=customer, name="王总")
    at = timezone.localtime() - datetime.timedelta(hours=2)
    response = client_for(org.rep_a).post(NEW, {
        "customer": customer.pk, "kind": "wechat", "subject": "发了报价", "contact": contact.pk,
        "occurred_at": at.strftime("%Y-%m-%dT%H:%M"), "next": customer.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == customer.get_absolute_url()
    activity = Activity.objects.get()
    assert (activity.kind, activity.contact, activity.owner) == ("wechat", contact, org.rep_a)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == activity.occurred_at


def test_create_refuses_another_customers_contact_naming_the_field(org, client_for):
    customer = make_customer(org.rep_a)
    other = Contact.objects.create(customer=make_customer(org.rep_a), name="李总")
    response = client_for(org.rep_a).post(NEW, {"customer": customer.pk, "kind": "call", "subject": "x",
                                                "contact": other.pk,
                                                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400 and response.context["form"].errors["contact"]
    assert not Activity.objects.exists()


def test_create_on_a_converted_lead_derives_its_customer(org, client_for):
    customer = make_customer(org.rep_a)
    lead = Lead.objects.create(company="线索公司", owner=org.rep_a, team=org.east1, status="converted",
                               converted_customer=customer)
    response = client_for(org.rep_a).get(f"{NEW}?lead={lead.pk}")
    assert response.context["records"]["customer"] == customer


def test_create_for_another_reps_customer_is_404_and_finance_is_refused(org, client_for):
    theirs = make_customer(org.rep_b)
    assert client_for(org.rep_a).get(f"{NEW}?customer={theirs.pk}").status_code == 404
    assert client_for(org.finance).get(NEW).status_code == 403


def test_create_without_a_record_offers_a_customer_search(org, client_for):
    make_customer(org.rep_a, name="阿尔法科技")
    make_customer(org.rep_b, name="阿尔法西区")
    response = client_for(org.rep_a).get(NEW + "?q=阿尔法")
    assert [c.name for c in response.context["customers"]] == ["阿尔法科技"]


def test_rep_cannot_read_another_reps_follow_up(org, client_for):
    theirs = make_activity(org.rep_a2, make_customer(org.rep_a2))
    assert client_for(org.rep_a).get(theirs.get_absolute_url()).status_code == 404
    assert client_for(org.manager_west).get(theirs.get_absolute_url()).status_code == 404
    assert client_for(org.finance).get(theirs.get_absolute_url()).status_code == 404
    assert client_for(org.manager_east).get(theirs.get_absolute_url()).status_code == 200


def test_edit_shows_the_change_in_the_detail_history(org, client_for):
    activity = make_activity(org.rep_a, make_customer(org.rep_a), subject="旧主题")
    client = client_for(org.rep_a)
    form = client.get(f"/activities/followups/{activity.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    at = timezone.localtime(activity.occurred_at).strftime("%Y-%m-%dT%H:%M")
    data.update({"subject": "新主题", "occurred_at": at, "version": activity.version})
    response = client.post(f"/activities/followups/{activity.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    detail = client.get(activity.get_absolute_url())
    assert "新主题" in detail.content.decode()
    assert any(e.action == "update" and "subject" in e.changes for e in detail.context["history"])


def test_stale_edit_answers_409_and_keeps_the_other_change(org, client_for):
    activity = make_activity(org.rep_a, make_customer(org.rep_a), subject="旧")
    Activity.objects.filter(pk=activity.pk).update(version=activity.version + 1, subject="别人改的")
    response = client_for(org.rep_a).post(f"/activities/followups/{activity.pk}/edit/", {
        "kind": "call", "subject": "我的", "version": activity.version,
        "occurred_at": timezone.localtime(activity.occurred_at).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 409
    assert Activity.objects.get(pk=activity.pk).subject == "别人改的"


def test_colleague_may_not_edit_or_delete(org, client_for):
    activity = make_activity(org.rep_a, make_customer(org.rep_a))
    colleague = client_for(org.rep_a2)
    assert colleague.get(f"/activities/followups/{activity.pk}/edit/").status_code == 404
    assert colleague.post(f"/activities/followups/{activity.pk}/delete/").status_code == 404
    assert client_for(org.manager_east).post(f"/activities/followups/{activity.pk}/delete/").status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_customer_page_shows_its_follow_ups_newest_first_with_a_record_button(org, client_for):
    customer = make_customer(org.rep_a)
    now = timezone.now()
    make_activity(org.rep_a, customer, subject="较早的电话", at=now - datetime.timedelta(days=3))
    make_activity(org.rep_a, customer, kind="visit", subject="最近的拜访", at=now - datetime.timedelta(hours=1))
    page = client_for(org.rep_a).get(customer.get_absolute_url()).content.decode()
    assert 'data-testid="followup-timeline"' in page
    assert page.index("最近的拜访") < page.index("较早的电话")
    assert f"{NEW}?customer={customer.pk}" in page


def test_opportunity_lead_and_agreement_pages_show_their_follow_ups(org, client_for):
    customer = make_customer(org.rep_a)
    opportunity = _opportunity(org.rep_a, customer)
    lead = Lead.objects.create(company="线索公司", owner=org.rep_a, team=org.east1)
    agreement = make_agreement(org.rep_a, customer=customer)
    make_activity(org.rep_a, customer, subject="谈商机", opportunity=opportunity)
    make_activity(org.rep_a, None, subject="联系线索", lead=lead)
    make_activity(org.rep_a, customer, subject="合同回访", agreement=agreement)
    client = client_for(org.rep_a)
    for record, subject, param in ((opportunity, "谈商机", "opportunity"), (lead, "联系线索", "lead"),
                                   (agreement, "合同回访", "agreement")):
        page = client.get(record.get_absolute_url()).content.decode()
        assert 'data-testid="followup-timeline"' in page and subject in page, record
        assert f"{NEW}?{param}={record.pk}" in page


@pytest.mark.parametrize("width", [375])
def test_create_form_has_no_fixed_widths_wider_than_a_phone(org, client_for, width):
    # The layout itself is checked in the browser; here: the form uses the shared field classes and our stylesheet.
    page = client_for(org.rep_a).get(f"{NEW}?customer={make_customer(org.rep_a).pk}").content.decode()
    assert "followups.css" in page and 'class="kind-buttons"' in page


def test_finance_sees_the_customer_page_without_follow_ups_or_a_record_button(org, client_for):
    customer = make_customer(org.rep_a)
    make_activity(org.rep_a, customer, subject="销售的电话")
    page = client_for(org.finance).get(customer.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "销售的电话" not in html and 'data-testid="record-followup"' not in html


def test_delete_asks_first_then_deletes_without_moving_last_contact_back(org, client_for):
    customer = make_customer(org.rep_a, name="确认客户")
    activity = make_activity(org.rep_a, customer, subject="要删的电话")
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=activity.occurred_at)
    client = client_for(org.rep_a)
    confirm_url = f"/activities/followups/{activity.pk}/delete/"
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert f'href="{confirm_url}" data-testid="delete-followup"' in detail
    page = client.get(confirm_url)
    body = page.content.decode()
    assert page.status_code == 200 and Activity.objects.filter(pk=activity.pk).exists()
    assert "要删的电话" in body and "确认客户" in body and "最近联系时间不会因此回退" in body
    assert "确认删除" in body and f'href="{activity.get_absolute_url()}" data-testid="cancel-delete-followup"' in body
    response = client.post(confirm_url)
    assert response.status_code == 302 and response.url == "/activities/followups/"
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert Customer.objects.get(pk=customer.pk).last_contact_at == activity.occurred_at


def test_delete_confirm_page_keeps_a_safe_next_and_is_hidden_from_a_colleague(org, client_for):
    activity = make_activity(org.rep_a, make_customer(org.rep_a))
    url = f"/activities/followups/{activity.pk}/delete/"
    assert client_for(org.rep_a2).get(url).status_code == 404
    page = client_for(org.rep_a).get(f"{url}?next=/activities/today/").content.decode()
    assert 'name="next" value="/activities/today/"' in page
    page = client_for(org.rep_a).get(f"{url}?next=https://evil.example/").content.decode()
    assert "value=\"https://evil.example/\"" not in page and "href=\"https://evil.example/\"" not in page
    response = client_for(org.rep_a).post(url, {"next": "/activities/today/"})
    assert response.status_code == 302 and response.url == "/activities/today/"
