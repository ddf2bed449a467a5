"""Follow-ups feed the rules that read "last contact": the pool's auto-return and the untouched-lead reminders."""

import datetime

from django.utils import timezone

from salesflow.activities.followups.services import record_activity
from salesflow.core.models import Notification
from salesflow.customers.models import Customer
from salesflow.customers.services import return_overdue_customers
from salesflow.leads.models import Lead
from salesflow.leads.services import create_lead, remind_untouched_leads
from salesflow.testing.factories import make_customer


def _dormant_customer(owner, name, now):
    """A class B customer (30 days without follow-up → pool) owned and last contacted 60 days ago, with a recent
    deal (so only the contact clock can return it)."""
    customer = make_customer(owner, name=name, customer_class="B")
    long_ago = now - datetime.timedelta(days=60)
    Customer.objects.filter(pk=customer.pk).update(created_at=long_ago, owned_since=long_ago,
                                                   last_contact_at=long_ago, last_deal_at=now)
    return customer


def test_customer_with_a_recent_follow_up_is_not_returned_to_the_pool_one_without_is(org):
    now = timezone.now()
    followed = _dormant_customer(org.rep_a, "刚跟进的客户", now)
    neglected = _dormant_customer(org.rep_a, "没人跟进的客户", now)
    record_activity(actor=org.rep_a, data={"kind": "call", "subject": "电话回访", "customer": followed,
                                           "occurred_at": now - datetime.timedelta(days=2)})
    assert return_overdue_customers(now).startswith("returned 1,")
    assert Customer.objects.get(pk=followed.pk).owner == org.rep_a
    assert Customer.objects.get(pk=neglected.pk).owner is None


def test_open_lead_with_a_recent_follow_up_gets_no_untouched_reminder_a_stale_one_does_once(org):
    now = timezone.now()
    touched = create_lead(actor=org.rep_a, owner=org.rep_a, company="跟进过的线索公司", phone="13800000011")
    stale = create_lead(actor=org.rep_a, owner=org.rep_a, company="没人管的线索公司", phone="13800000012")
    ten_days_ago = now - datetime.timedelta(days=10)
    Lead.objects.filter(pk__in=[touched.pk, stale.pk]).update(last_activity_at=ten_days_ago)
    record_activity(actor=org.rep_a, data={"kind": "wechat", "subject": "加了微信", "lead": touched,
                                           "occurred_at": now - datetime.timedelta(hours=1)})
    assert remind_untouched_leads(now) == "reminded 1"
    assert remind_untouched_leads(now) == "reminded 0"  # once per lull
    reminders = Notification.objects.filter(recipient=org.rep_a, kind="lead_untouched")
    assert [n.url for n in reminders] == [stale.get_absolute_url()]
