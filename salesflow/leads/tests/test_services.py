import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from salesflow.core.models import AuditEntry, Notification
from salesflow.customers.models import Contact, Customer
from salesflow.leads import services
from salesflow.leads.models import Lead, LeadAssignmentRule, LeadSource
from salesflow.pipeline.models import Opportunity, StageChange
from salesflow.testing.factories import make_customer, make_region


def make_lead(owner, **fields):
    fields.setdefault("company", "杭州云帆软件有限公司")
    fields.setdefault("contact_name", "李经理")
    fields.setdefault("phone", "13800000001")
    return services.create_lead(actor=owner, owner=owner, **fields)


def test_conversion_creates_customer_contact_opportunity_and_links_them(org):
    lead = make_lead(org.rep_a, status=Lead.Status.QUALIFIED)
    converted = services.convert_lead(actor=org.rep_a, lead=lead, opportunity_subject="CRM 项目", amount=50000)
    assert converted.status == "converted"
    customer = converted.converted_customer
    assert customer.name == "杭州云帆软件有限公司" and customer.owner == org.rep_a
    assert converted.converted_contact.customer == customer
    opportunity = converted.converted_opportunity
    assert opportunity.customer == customer and opportunity.amount == 50000
    assert StageChange.objects.filter(opportunity=opportunity, from_stage__isnull=True).count() == 1


def test_converting_twice_or_retrying_creates_nothing_new(org):
    lead = make_lead(org.rep_a)
    first = services.convert_lead(actor=org.rep_a, lead=lead)
    stale = Lead.objects.get(pk=lead.pk)
    stale.status = "qualified"  # a retry from a page opened before the first conversion
    again = services.convert_lead(actor=org.rep_a, lead=stale)
    assert again.converted_customer == first.converted_customer
    assert (Customer.objects.count(), Contact.objects.count(), Opportunity.objects.count()) == (1, 1, 1)


def test_a_conversion_recorded_afterwards_keeps_its_day_and_one_now_is_stamped_now(org):
    earlier = timezone.now() - datetime.timedelta(days=30)
    dated = services.convert_lead(actor=org.rep_a, lead=make_lead(org.rep_a), converted_at=earlier)
    assert Lead.objects.get(pk=dated.pk).converted_at == earlier
    before = timezone.now()
    plain = services.convert_lead(actor=org.rep_a, lead=make_lead(org.rep_a, company="宁波海辰物流有限公司",
                                                                            phone="13900000002"))
    assert Lead.objects.get(pk=plain.pk).converted_at >= before


def test_conversion_refuses_to_duplicate_an_existing_customer_but_can_link(org):
    existing = make_customer(org.rep_a, name="杭州云帆软件股份有限公司")
    lead = make_lead(org.rep_a)
    with pytest.raises(ValidationError, match="已存在"):
        services.convert_lead(actor=org.rep_a, lead=lead)
    converted = services.convert_lead(actor=org.rep_a, lead=lead, customer=existing)
    assert converted.converted_customer == existing and Customer.objects.count() == 1


def test_rep_cannot_convert_another_reps_lead(org):
    lead = make_lead(org.rep_b)
    with pytest.raises(PermissionDenied):
        services.convert_lead(actor=org.rep_a, lead=lead)


def test_duplicates_by_phone_email_and_name(org):
    lead = make_lead(org.rep_a, email="li@yunfan.cn")
    assert services.find_duplicate_leads(company="别家", phone="13800000001") == [lead]
    assert services.find_duplicate_leads(company="别家", email="LI@yunfan.cn") == [lead]
    assert services.find_duplicate_leads(company="杭州云帆软件集团") == [lead]
    assert services.find_duplicate_leads(company="杭州云帆网络有限公司") == []


def test_merge_keeps_history_of_both(org):
    survivor = make_lead(org.rep_a, phone="", email="a@x.cn", notes="第一次")
    duplicate = make_lead(org.rep_a, company="杭州云帆软件", phone="13999999999", notes="第二次")
    merged = services.merge_leads(actor=org.rep_a, survivor=survivor, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == merged and duplicate.status == "disqualified"
    assert merged.phone == "13999999999" and "第二次" in merged.notes
    history_ids = set(services.merged_history(merged).values_list("object_id", flat=True))
    assert {str(survivor.pk), str(duplicate.pk)} <= history_ids


def test_illegal_transitions_are_refused(org):
    lead = make_lead(org.rep_a)
    with pytest.raises(ValidationError):
        services.change_status(actor=org.rep_a, lead=lead, status="disqualified", reason="")
    services.change_status(actor=org.rep_a, lead=lead, status="disqualified", reason="无预算")
    with pytest.raises(ValidationError):
        services.change_status(actor=org.rep_a, lead=lead, status="qualified")
    with pytest.raises(ValidationError):
        services.convert_lead(actor=org.rep_a, lead=lead)


def test_round_robin_and_region_rules(org):
    east = make_region("华东")
    shanghai = make_region("上海", parent=east)
    region_rule = LeadAssignmentRule.objects.create(name="华东", order=1, region=east)
    region_rule.reps.set([org.rep_a])
    fallback = LeadAssignmentRule.objects.create(name="其他", order=2)
    fallback.reps.set([org.rep_a2, org.rep_b])
    in_east = services.create_lead(actor=None, company="甲", phone="13800000001", region=shanghai)
    others = [services.create_lead(actor=None, company=f"乙{i}", phone=f"1390000001{i}") for i in range(3)]
    assert in_east.owner == org.rep_a
    assert [o.owner for o in others] == [org.rep_a2, org.rep_b, org.rep_a2]
    assert Notification.objects.filter(recipient=org.rep_a, kind="lead_assigned").exists()


def test_untouched_lead_reminder_is_sent_once(org):
    lead = make_lead(org.rep_a)
    Lead.objects.filter(pk=lead.pk).update(last_activity_at=timezone.now() - datetime.timedelta(days=5))
    now = timezone.now()
    assert services.remind_untouched_leads(now) == "reminded 1"
    assert services.remind_untouched_leads(now) == "reminded 0"
    assert Notification.objects.filter(recipient=org.rep_a, kind="lead_untouched").count() == 1


def test_lead_import_reports_duplicates_and_writes_nothing(org, tmp_path):
    make_lead(org.rep_a)
    path = tmp_path / "leads.csv"
    path.write_text("公司名称,电话,线索来源\n新公司,13900000000,展会\n重复公司,13800000001,展会\n无联系方式公司,,展会\n"
                    "坏来源公司,13700000000,不存在\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 problems"):
        call_command("import", "leads", str(path), stdout=out)
    assert Lead.objects.count() == 1
    good = tmp_path / "good.csv"
    good.write_text("Company,Phone,Source\n新公司,13900000000,展会\n", encoding="utf-8")
    call_command("import", "leads", str(good), stdout=out)
    assert Lead.objects.get(company="新公司").source == LeadSource.objects.get(name="展会")


def test_status_change_is_audited(org):
    lead = make_lead(org.rep_a)
    services.change_status(actor=org.rep_a, lead=lead, status="contacted")
    assert AuditEntry.for_object(lead).filter(action="update").exists()
