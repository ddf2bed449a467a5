import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.activities.followups.services import record_activity
from salesflow.activities.models import Activity
from salesflow.activities.tasks.services import create_task
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.testing.factories import make_customer


def test_follow_up_moves_the_customers_last_contact_forward_only(org):
    customer = make_customer(org.rep_a)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    record_activity(actor=org.rep_a, data={"kind": "call", "subject": "需求沟通", "customer": customer,
                                           "occurred_at": yesterday})
    assert Customer.objects.get(pk=customer.pk).last_contact_at == yesterday
    record_activity(actor=org.rep_a, data={"kind": "note", "subject": "补记", "customer": customer,
                                           "occurred_at": yesterday - datetime.timedelta(days=5)})
    assert Customer.objects.get(pk=customer.pk).last_contact_at == yesterday


def test_follow_up_on_a_lead_touches_the_lead(org):
    lead = Lead.objects.create(company="东方新材料有限公司", owner=org.rep_a, team=org.east1,
                               last_activity_at=timezone.now() - datetime.timedelta(days=9))
    activity = record_activity(actor=org.rep_a, data={"kind": "wechat", "subject": "加微信", "lead": lead})
    assert Lead.objects.get(pk=lead.pk).last_activity_at == activity.occurred_at
    assert activity.team_id == org.east1.pk


def test_follow_up_needs_a_customer_or_lead_and_no_future_time(org):
    with pytest.raises(ValidationError) as error:
        record_activity(actor=org.rep_a, data={"kind": "call", "subject": "无对象"})
    assert "customer" in error.value.message_dict
    customer = make_customer(org.rep_a)
    with pytest.raises(ValidationError) as error:
        record_activity(actor=org.rep_a, data={"kind": "call", "subject": "明天", "customer": customer,
                                               "occurred_at": timezone.now() + datetime.timedelta(days=1)})
    assert "occurred_at" in error.value.message_dict
    assert not Activity.objects.exists()


def test_rep_cannot_record_on_another_reps_customer_nor_for_another_rep(org):
    theirs = make_customer(org.rep_b)
    with pytest.raises(ValidationError) as error:
        record_activity(actor=org.rep_a, data={"kind": "call", "subject": "x", "customer": theirs})
    assert "customer" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        record_activity(actor=org.rep_a, owner=org.rep_a2, data={"kind": "call", "subject": "x",
                                                                  "customer": make_customer(org.rep_a2)})
    with pytest.raises(PermissionDenied):
        record_activity(actor=org.finance, data={"kind": "call", "subject": "x", "customer": theirs})


def test_manager_assigns_tasks_inside_the_subtree_only(org):
    task = create_task(actor=org.manager_east, owner=org.rep_a,
                       data={"title": "回访", "due_at": timezone.now() + datetime.timedelta(days=1)})
    assert (task.owner, task.team_id, task.created_by) == (org.rep_a, org.east1.pk, org.manager_east)
    with pytest.raises(PermissionDenied):
        create_task(actor=org.manager_east, owner=org.rep_b,
                    data={"title": "回访", "due_at": timezone.now() + datetime.timedelta(days=1)})
