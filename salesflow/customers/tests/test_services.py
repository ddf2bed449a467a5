import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.core.models import Notification
from salesflow.customers import services
from salesflow.customers.credit_code import check_character, is_valid_credit_code
from salesflow.customers.models import Customer, OwnershipChange, PoolSettings
from salesflow.testing.factories import make_customer

VALID_CODE = "91350100M000100Y43"


def test_credit_code_check_digit():
    assert is_valid_credit_code(VALID_CODE)
    assert not is_valid_credit_code(VALID_CODE[:-1] + "0")
    assert not is_valid_credit_code("12345")
    assert check_character(VALID_CODE[:17]) == VALID_CODE[17]


def test_customer_with_bad_credit_code_is_refused_with_a_message(org):
    with pytest.raises(ValidationError) as err:
        services.create_customer(actor=org.rep_a, owner=org.rep_a, name="坏代码公司", credit_code="91350100M000100Y40")
    assert "credit_code" in err.value.message_dict


def test_same_credit_code_twice_is_refused(org):
    services.create_customer(actor=org.rep_a, owner=org.rep_a, name="甲公司", credit_code=VALID_CODE)
    with pytest.raises(ValidationError):
        services.create_customer(actor=org.rep_b, owner=org.rep_b, name="乙公司", credit_code=VALID_CODE.lower())


def test_duplicate_detection_by_phone_email_and_similar_name(org):
    existing = make_customer(org.rep_a, name="上海华信科技有限公司", phone="021-5555", email="info@hx.cn")
    assert services.find_duplicate_customers(name="上海华信科技股份有限公司") == [existing]
    assert services.find_duplicate_customers(name="别的公司", phone="021-5555") == [existing]
    assert services.find_duplicate_customers(name="", email="INFO@hx.cn") == [existing]
    assert services.find_duplicate_customers(name="上海华信科技发展有限公司") == []


def test_claim_respects_the_per_rep_limit(org):
    PoolSettings.objects.update(max_customers_per_rep=1)
    make_customer(org.rep_a, name="已有客户")
    pooled = make_customer(None, name="公海客户")
    with pytest.raises(ValidationError, match="1"):
        services.claim_customer(actor=org.rep_a, customer=pooled)
    pooled.refresh_from_db()
    assert pooled.owner is None


def test_claim_is_first_come_first_served(org):
    pooled = make_customer(None, name="抢手客户")
    stale_copy = Customer.objects.get(pk=pooled.pk)
    services.claim_customer(actor=org.rep_a, customer=pooled)
    with pytest.raises(ValidationError):
        services.claim_customer(actor=org.rep_b, customer=stale_copy)
    pooled.refresh_from_db()
    assert pooled.owner == org.rep_a and pooled.team == org.east1
    assert pooled.ownership_changes.filter(action="claim").count() == 1


def test_finance_cannot_claim(org):
    with pytest.raises(PermissionDenied):
        services.claim_customer(actor=org.finance, customer=make_customer(None))


def test_return_needs_reason_and_rep_cannot_return_others(org):
    mine = make_customer(org.rep_a)
    with pytest.raises(ValidationError):
        services.return_customer_to_pool(actor=org.rep_a, customer=mine, reason=" ")
    with pytest.raises(PermissionDenied):
        services.return_customer_to_pool(actor=org.rep_b, customer=mine, reason="不要了")
    services.return_customer_to_pool(actor=org.rep_a, customer=mine, reason="客户无需求")
    mine.refresh_from_db()
    assert mine.owner is None and mine.pool_entered_at is not None
    assert mine.ownership_changes.get(action="return").reason == "客户无需求"


def test_manager_assigns_only_within_subtree(org):
    pooled = make_customer(None)
    with pytest.raises(PermissionDenied):
        services.assign_customer(actor=org.manager_east, customer=pooled, owner=org.rep_b)
    with pytest.raises(PermissionDenied):
        services.assign_customer(actor=org.rep_a, customer=pooled, owner=org.rep_a2)
    services.assign_customer(actor=org.manager_east, customer=pooled, owner=org.rep_a2)
    pooled.refresh_from_db()
    assert pooled.owner == org.rep_a2


def test_transfer_moves_all_and_keeps_history(org):
    customers = [make_customer(org.rep_a) for _ in range(3)]
    moved = services.transfer_customers(actor=org.manager_east, customers=customers, to_owner=org.rep_a2,
                                        reason="均衡工作量")
    assert moved == 3
    assert Customer.objects.filter(owner=org.rep_a2).count() == 3
    assert OwnershipChange.objects.filter(action="transfer", from_owner=org.rep_a, to_owner=org.rep_a2).count() == 3


def test_auto_return_warns_first_then_returns_with_reason(org):
    now = timezone.now()
    customer = make_customer(org.rep_a, name="沉睡客户", customer_class="B")
    # Class B: 30 days without follow-up, 3 days notice. Last contact 28 days ago -> warned, not returned.
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=now - datetime.timedelta(days=28),
                                                   last_deal_at=now)
    assert services.return_overdue_customers(now) == "returned 0, warned 1"
    assert services.return_overdue_customers(now) == "returned 0, warned 0"  # warned once only
    assert Notification.objects.filter(recipient=org.rep_a, kind="pool_warning").count() == 1
    later = now + datetime.timedelta(days=3)
    assert services.return_overdue_customers(later) == "returned 1, warned 0"
    customer.refresh_from_db()
    assert customer.owner is None
    change = customer.ownership_changes.get(action="auto_return")
    assert "30" in change.reason and change.from_owner == org.rep_a
    assert Notification.objects.filter(recipient=org.rep_a, kind="pool_return").exists()


def test_recently_contacted_customer_stays(org):
    now = timezone.now()
    customer = make_customer(org.rep_a, customer_class="B")
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=now - datetime.timedelta(days=2), last_deal_at=now)
    assert services.return_overdue_customers(now) == "returned 0, warned 0"


def test_customer_claimed_from_the_pool_is_not_returned_by_the_next_run(org):
    """The pool rules' clocks start when the rep took the customer, not when the record was created."""
    now = timezone.now()
    customer = make_customer(None, name="老客户", customer_class="B")
    long_ago = now - datetime.timedelta(days=700)
    Customer.objects.filter(pk=customer.pk).update(created_at=long_ago, last_contact_at=long_ago,
                                                   last_deal_at=long_ago)
    services.claim_customer(actor=org.rep_a, customer=customer)
    assert services.return_overdue_customers(now) == "returned 0, warned 0"
    customer.refresh_from_db()
    assert customer.owner == org.rep_a
    # Without a follow-up, the class B rule (30 days) still applies from the claim on.
    assert services.return_overdue_customers(now + datetime.timedelta(days=31)) == "returned 1, warned 0"
