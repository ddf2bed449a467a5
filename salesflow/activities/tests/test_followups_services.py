"""update_activity / delete_activity and the timeline selector."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.activities.followups.selectors import timeline
from salesflow.activities.followups.services import delete_activity, record_activity, update_activity
from salesflow.activities.models import Activity, Task
from salesflow.activities.tests.factories import make_activity, make_plan
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.customers.models import Contact, Customer
from salesflow.leads.models import Lead
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer


def _record(actor, customer, **data):
    data.setdefault("kind", "call")
    data.setdefault("subject", "电话沟通")
    return record_activity(actor=actor, data={"customer": customer, **data})


def _audit(activity, action):
    return AuditEntry.objects.filter(object_id=str(activity.pk), content_type__model="activity", action=action)


def test_owner_edits_a_follow_up_and_each_changed_field_is_audited(org):
    customer = make_customer(org.rep_a)
    activity = _record(org.rep_a, customer, notes="旧")
    updated = update_activity(activity, actor=org.rep_a, data={"subject": "电话确认报价", "notes": "新"},
                              version=activity.version)
    assert (updated.subject, updated.notes, updated.version) == ("电话确认报价", "新", activity.version + 1)
    entry = _audit(activity, "update").get()
    assert entry.changes["subject"] == ["电话沟通", "电话确认报价"]
    assert entry.changes["notes"] == ["旧", "新"]


def test_edit_with_an_old_version_is_refused_and_changes_nothing(org):
    activity = _record(org.rep_a, make_customer(org.rep_a))
    update_activity(activity, actor=org.rep_a, data={"subject": "第一次"}, version=activity.version)
    with pytest.raises(StaleEditError):
        update_activity(activity, actor=org.rep_a, data={"subject": "第二次"}, version=activity.version)
    assert Activity.objects.get(pk=activity.pk).subject == "第一次"


def test_manager_of_the_owner_may_edit_but_another_manager_and_a_colleague_may_not(org):
    activity = _record(org.rep_a, make_customer(org.rep_a))
    update_activity(activity, actor=org.manager_east, data={"notes": "经理补充"}, version=activity.version)
    activity.refresh_from_db()
    for outsider in (org.manager_west, org.rep_a2, org.rep_b, org.finance):
        with pytest.raises(PermissionDenied):
            update_activity(activity, actor=outsider, data={"notes": "x"}, version=activity.version)
    assert Activity.objects.get(pk=activity.pk).notes == "经理补充"


def test_edit_rechecks_links(org):
    customer = make_customer(org.rep_a)
    activity = _record(org.rep_a, customer)
    other_contact = Contact.objects.create(customer=make_customer(org.rep_a), name="王总")
    with pytest.raises(ValidationError) as error:
        update_activity(activity, actor=org.rep_a, data={"contact": other_contact}, version=activity.version)
    assert "contact" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        update_activity(activity, actor=org.rep_a, data={"customer": make_customer(org.rep_b)},
                        version=activity.version)
    assert "customer" in error.value.message_dict
    assert Activity.objects.get(pk=activity.pk).contact_id is None


def test_visit_plan_of_a_visit_record_is_not_editable(org):
    customer = make_customer(org.rep_a)
    activity = make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT, visit_plan=make_plan(org.rep_a, customer))
    with pytest.raises(ValidationError) as error:
        update_activity(activity, actor=org.rep_a, data={"visit_plan": None}, version=activity.version)
    assert "visit_plan" in error.value.message_dict
    assert Activity.objects.get(pk=activity.pk).visit_plan_id is not None


def test_edit_moving_the_time_later_moves_last_contact_forward_but_earlier_does_not_move_it_back(org):
    customer = make_customer(org.rep_a)
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    activity = _record(org.rep_a, customer, occurred_at=three_days_ago)
    one_day_ago = timezone.now() - datetime.timedelta(days=1)
    activity = update_activity(activity, actor=org.rep_a, data={"occurred_at": one_day_ago}, version=activity.version)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == one_day_ago
    update_activity(activity, actor=org.rep_a, data={"occurred_at": three_days_ago}, version=activity.version)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == one_day_ago


def test_delete_is_audited_and_never_moves_last_contact_back(org):
    customer = make_customer(org.rep_a)
    activity = _record(org.rep_a, customer)
    touched = Customer.objects.get(pk=customer.pk).last_contact_at
    with pytest.raises(PermissionDenied):
        delete_activity(activity, actor=org.rep_a2)
    delete_activity(activity, actor=org.rep_a)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert _audit(activity, "delete").exists()
    assert Customer.objects.get(pk=customer.pk).last_contact_at == touched


def test_timeline_is_newest_first_and_only_visible_rows(org):
    customer = make_customer(org.rep_a)
    now = timezone.now()
    old = make_activity(org.rep_a, customer, at=now - datetime.timedelta(days=2), subject="旧")
    new = make_activity(org.rep_a, customer, at=now - datetime.timedelta(hours=1), subject="新")
    colleague = make_activity(org.rep_a2, customer, at=now, subject="同事的")
    assert [a.subject for a in timeline(org.rep_a, customer=customer)] == ["新", "旧"]
    assert timeline(org.manager_east, customer=customer) == [colleague, new, old]
    assert timeline(org.manager_west, customer=customer) == []
    assert timeline(org.finance, customer=customer) == []
    assert timeline(org.manager_east, customer=customer, limit=2) == [colleague, new]
    assert timeline(org.manager_east, owner=org.rep_a) == [new, old]


def test_timeline_by_opportunity_lead_and_agreement(org):
    customer = make_customer(org.rep_a)
    opportunity = open_opportunity(actor=org.rep_a, customer=customer, subject="CRM 项目", amount=Decimal(1000))
    lead = Lead.objects.create(company="线索公司", owner=org.rep_a, team=org.east1)
    on_opportunity = _record(org.rep_a, customer, opportunity=opportunity)
    on_lead = record_activity(actor=org.rep_a, data={"kind": "call", "subject": "线索", "lead": lead})
    _record(org.rep_a, customer)
    assert timeline(org.rep_a, opportunity=opportunity) == [on_opportunity]
    assert timeline(org.rep_a, lead=lead) == [on_lead]


def test_a_next_contact_date_becomes_one_task_that_moves_with_the_date(org):
    customer = make_customer(org.rep_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    activity = record_activity(actor=org.rep_a, data={
        "kind": Activity.Kind.CALL, "subject": "报价沟通", "customer": customer, "next_contact_on": tomorrow,
        "next_step": "确认采购数量"})
    task = Task.objects.get(source_activity=activity)
    assert (task.owner, task.title, task.customer) == (org.rep_a, "确认采购数量", customer)
    assert timezone.localtime(task.due_at).date() == tomorrow and timezone.localtime(task.due_at).hour == 9
    later = tomorrow + datetime.timedelta(days=3)
    update_activity(activity, actor=org.rep_a, data={"next_contact_on": later}, version=activity.version)
    task.refresh_from_db()
    assert Task.objects.filter(source_activity=activity).count() == 1
    assert timezone.localtime(task.due_at).date() == later


def test_a_next_contact_date_in_the_past_makes_no_task(org):
    activity = record_activity(actor=org.rep_a, data={
        "kind": Activity.Kind.CALL, "subject": "旧记录", "customer": make_customer(org.rep_a),
        "next_contact_on": timezone.localdate() - datetime.timedelta(days=1)})
    assert not Task.objects.filter(source_activity=activity).exists()
