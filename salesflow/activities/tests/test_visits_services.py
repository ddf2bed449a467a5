import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.activities.models import Activity, Task, VisitPlan
from salesflow.activities.tests.factories import make_plan
from salesflow.activities.visits import services
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.customers.models import Contact, Customer
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer

TODAY = timezone.localdate


def plan_data(customer, **extra):
    return {"customer": customer, "planned_on": TODAY(), "objective": "介绍方案", **extra}


def test_rep_plans_a_visit_with_the_customers_contacts(org):
    customer = make_customer(org.rep_a)
    contact = Contact.objects.create(customer=customer, name="王经理")
    plan = services.plan_visit(actor=org.rep_a, data=plan_data(customer, commitment_sought="安排技术交流"),
                               contacts=[contact])
    assert plan.owner == org.rep_a and plan.team_id == org.east1.pk and plan.created_by == org.rep_a
    assert plan.status == VisitPlan.Status.PLANNED
    assert list(plan.contacts.all()) == [contact]


def test_contact_of_another_customer_is_refused(org):
    customer = make_customer(org.rep_a)
    other = Contact.objects.create(customer=make_customer(org.rep_a), name="李总")
    with pytest.raises(ValidationError) as error:
        services.plan_visit(actor=org.rep_a, data=plan_data(customer), contacts=[other])
    assert "contacts" in error.value.message_dict
    assert not VisitPlan.objects.exists()


def test_opportunity_of_another_customer_is_refused(org):
    customer = make_customer(org.rep_a)
    elsewhere = open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="别处的商机")
    with pytest.raises(ValidationError) as error:
        services.plan_visit(actor=org.rep_a, data=plan_data(customer, opportunity=elsewhere))
    assert "opportunity" in error.value.message_dict


def test_new_plan_cannot_be_for_a_past_day(org):
    with pytest.raises(ValidationError) as error:
        services.plan_visit(actor=org.rep_a, data=plan_data(make_customer(org.rep_a),
                                                            planned_on=TODAY() - datetime.timedelta(days=1)))
    assert "planned_on" in error.value.message_dict


def test_rep_cannot_plan_on_an_invisible_customer_nor_for_another_rep(org):
    with pytest.raises(ValidationError) as error:
        services.plan_visit(actor=org.rep_a, data=plan_data(make_customer(org.rep_b)))
    assert "customer" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.plan_visit(actor=org.rep_a, owner=org.rep_a2, data=plan_data(make_customer(org.rep_a2)))


def test_manager_plans_for_their_subtree_only_and_finance_not_at_all(org):
    plan = services.plan_visit(actor=org.manager_east, owner=org.rep_a, data=plan_data(make_customer(org.rep_a)))
    assert plan.owner == org.rep_a and plan.created_by == org.manager_east
    with pytest.raises(PermissionDenied):
        services.plan_visit(actor=org.manager_east, owner=org.rep_b, data=plan_data(make_customer(org.rep_b)))
    with pytest.raises(PermissionDenied):
        services.plan_visit(actor=org.finance, data=plan_data(make_customer(org.rep_a)))


def test_unknown_field_is_refused_by_name(org):
    with pytest.raises(ValidationError) as error:
        services.plan_visit(actor=org.rep_a, data=plan_data(make_customer(org.rep_a), status="done"))
    assert "status" in error.value.message_dict


def test_edit_changes_a_plan_and_refuses_a_stale_version(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    tomorrow = TODAY() + datetime.timedelta(days=1)
    plan = services.update_plan(plan, actor=org.rep_a, data={"planned_on": tomorrow, "objective": "报价"},
                                version=plan.version)
    assert (plan.planned_on, plan.objective, plan.version) == (tomorrow, "报价", 2)
    with pytest.raises(StaleEditError):
        services.update_plan(plan, actor=org.rep_a, data={"objective": "再改"}, version=1)
    assert VisitPlan.objects.get(pk=plan.pk).objective == "报价"


def test_edit_keeps_a_past_day_but_refuses_moving_to_one(org):
    yesterday = TODAY() - datetime.timedelta(days=1)
    plan = make_plan(org.rep_a, make_customer(org.rep_a), on=yesterday)
    plan = services.update_plan(plan, actor=org.rep_a, data={"objective": "补充说明"}, version=plan.version)
    assert plan.objective == "补充说明"
    with pytest.raises(ValidationError) as error:
        services.update_plan(plan, actor=org.rep_a, data={"planned_on": yesterday - datetime.timedelta(days=1)},
                             version=plan.version)
    assert "planned_on" in error.value.message_dict


def test_check_in_stores_time_and_location(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    plan = services.check_in(plan, actor=org.rep_a, latitude="31.230416", longitude=121.473701, accuracy=35.4)
    stored = VisitPlan.objects.get(pk=plan.pk)
    assert stored.status == VisitPlan.Status.CHECKED_IN and stored.checked_in_at is not None
    assert (stored.latitude, stored.longitude, stored.location_accuracy) == (
        Decimal("31.230416"), Decimal("121.473701"), 35)


def test_check_in_without_location_is_fine(org):
    plan = services.check_in(make_plan(org.rep_a, make_customer(org.rep_a)), actor=org.rep_a)
    stored = VisitPlan.objects.get(pk=plan.pk)
    assert stored.status == VisitPlan.Status.CHECKED_IN
    assert stored.latitude is None and stored.longitude is None


@pytest.mark.parametrize(("lat", "lng", "field"), [
    ("91", "121", "latitude"), ("31", "-180.5", "longitude"), ("abc", "121", "latitude"),
    ("31", None, "longitude"), ("nan", "121", "latitude"),
])
def test_check_in_refuses_a_bad_location_by_field(org, lat, lng, field):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    with pytest.raises(ValidationError) as error:
        services.check_in(plan, actor=org.rep_a, latitude=lat, longitude=lng)
    assert field in error.value.message_dict
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED


def test_second_check_in_is_a_clear_error(org):
    plan = services.check_in(make_plan(org.rep_a, make_customer(org.rep_a)), actor=org.rep_a)
    first = VisitPlan.objects.get(pk=plan.pk).checked_in_at
    with pytest.raises(ValidationError) as error:
        services.check_in(plan, actor=org.rep_a)
    assert "已经签到" in " ".join(error.value.messages) or "already checked in" in " ".join(error.value.messages)
    assert VisitPlan.objects.get(pk=plan.pk).checked_in_at == first


def test_other_rep_cannot_check_in_and_manager_of_the_subtree_can(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    with pytest.raises(PermissionDenied):
        services.check_in(plan, actor=org.rep_a2)
    with pytest.raises(PermissionDenied):
        services.check_in(plan, actor=org.manager_west)
    assert services.check_in(plan, actor=org.manager_east).status == VisitPlan.Status.CHECKED_IN


def test_record_visit_writes_a_visit_and_moves_last_contact(org):
    customer = make_customer(org.rep_a)
    plan = services.check_in(make_plan(org.rep_a, customer, objective="演示产品"), actor=org.rep_a)
    activity = services.record_visit(plan, actor=org.rep_a, data={
        "outcome": "客户认可方案", "commitment_obtained": True, "notes": "需要报价"})
    assert activity.kind == Activity.Kind.VISIT and activity.visit_plan_id == plan.pk
    assert activity.subject == "演示产品" and activity.owner == org.rep_a and activity.commitment_obtained is True
    assert activity.occurred_at == plan.checked_in_at
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.DONE
    assert Customer.objects.get(pk=customer.pk).last_contact_at == activity.occurred_at


def test_record_visit_without_check_in_is_allowed(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    activity = services.record_visit(plan, actor=org.rep_a, data={"outcome": "见面沟通"})
    assert activity.visit_plan_id == plan.pk
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.DONE


def test_record_twice_is_refused(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    services.record_visit(plan, actor=org.rep_a, data={"outcome": "第一次"})
    with pytest.raises(ValidationError) as error:
        services.record_visit(plan, actor=org.rep_a, data={"outcome": "第二次"})
    assert "status" in error.value.message_dict
    assert Activity.objects.count() == 1


def test_cancelled_plan_cannot_be_recorded_nor_checked_in(org):
    plan = services.cancel_visit(make_plan(org.rep_a, make_customer(org.rep_a)), actor=org.rep_a, reason="客户出差")
    with pytest.raises(ValidationError):
        services.record_visit(plan, actor=org.rep_a, data={"outcome": "x"})
    with pytest.raises(ValidationError):
        services.check_in(plan, actor=org.rep_a)
    assert not Activity.objects.exists()


def test_next_contact_date_plans_the_next_visit(org):
    customer = make_customer(org.rep_a)
    contact = Contact.objects.create(customer=customer, name="王经理")
    opportunity = open_opportunity(actor=org.rep_a, customer=customer, subject="ERP升级")
    plan = make_plan(org.rep_a, customer, opportunity=opportunity)
    next_day = TODAY() + datetime.timedelta(days=7)
    activity = services.record_visit(plan, actor=org.rep_a, data={
        "outcome": "同意技术交流", "contact": contact, "next_step": "技术交流会", "next_contact_on": next_day})
    following = VisitPlan.objects.exclude(pk=plan.pk).get()
    assert (following.planned_on, following.objective, following.source_activity_id) == (
        next_day, "技术交流会", activity.pk)
    assert following.owner == org.rep_a and following.customer == customer and following.opportunity == opportunity
    assert list(following.contacts.all()) == [contact]
    assert following.status == VisitPlan.Status.PLANNED
    assert not Task.objects.exists()


def test_next_contact_date_as_task_creates_a_task_due_at_nine(org):
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer)
    next_day = TODAY() + datetime.timedelta(days=3)
    activity = services.record_visit(plan, actor=org.manager_east, data={
        "outcome": "待报价", "next_step": "发送报价单", "next_contact_on": next_day, "next_kind": "task"})
    task = Task.objects.get()
    assert task.title == "发送报价单" and task.owner == org.rep_a and task.source_activity_id == activity.pk
    assert task.customer == customer
    assert timezone.localtime(task.due_at).date() == next_day
    assert timezone.localtime(task.due_at).time() == datetime.time(9, 0)
    assert VisitPlan.objects.count() == 1


def test_next_contact_needs_a_next_step_and_a_day_not_past(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    with pytest.raises(ValidationError) as error:
        services.record_visit(plan, actor=org.rep_a, data={"next_contact_on": TODAY() + datetime.timedelta(days=1)})
    assert "next_step" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_visit(plan, actor=org.rep_a, data={"next_step": "回访",
                                                           "next_contact_on": TODAY() - datetime.timedelta(days=1)})
    assert "next_contact_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_visit(plan, actor=org.rep_a, data={"next_step": "回访", "next_kind": "call",
                                                           "next_contact_on": TODAY()})
    assert "next_kind" in error.value.message_dict
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED
    assert not Activity.objects.exists()


def test_record_visit_refuses_another_reps_plan(org):
    plan = make_plan(org.rep_b, make_customer(org.rep_b))
    with pytest.raises(PermissionDenied):
        services.record_visit(plan, actor=org.rep_a, data={"outcome": "x"})
    with pytest.raises(PermissionDenied):
        services.record_visit(plan, actor=org.finance, data={"outcome": "x"})
    assert not Activity.objects.exists()


def test_record_refuses_a_stale_version(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    services.check_in(plan, actor=org.rep_a)
    with pytest.raises(StaleEditError):
        services.record_visit(plan, actor=org.rep_a, data={"outcome": "x"}, version=1)
    assert not Activity.objects.exists()


def test_cancel_needs_a_reason_and_is_audited(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    with pytest.raises(ValidationError) as error:
        services.cancel_visit(plan, actor=org.rep_a, reason="  ")
    assert "reason" in error.value.message_dict
    plan = services.cancel_visit(plan, actor=org.rep_a, reason="客户临时出差")
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.CANCELLED
    entry = AuditEntry.for_object(plan).filter(action="action").get()
    assert entry.actor == org.rep_a and entry.note == "客户临时出差"
    assert services.cancel_reason(plan) == "客户临时出差"
    with pytest.raises(ValidationError):
        services.cancel_visit(plan, actor=org.rep_a, reason="再取消")


def test_recorded_visit_cannot_be_cancelled(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    services.record_visit(plan, actor=org.rep_a, data={"outcome": "完成"})
    with pytest.raises(ValidationError):
        services.cancel_visit(plan, actor=org.rep_a, reason="误操作")
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.DONE


def test_check_in_on_a_future_plan_is_refused_by_planned_on(org):
    plan = make_plan(org.rep_a, make_customer(org.rep_a), on=TODAY() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError) as error:
        services.check_in(plan, actor=org.rep_a)
    assert set(error.value.message_dict) == {"planned_on"}
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED


def test_check_in_refusal_names_the_day_and_asks_to_move_the_plan_in_chinese(org):
    from django.utils import translation

    day = TODAY() + datetime.timedelta(days=1)
    plan = make_plan(org.rep_a, make_customer(org.rep_a), on=day)
    with translation.override("zh-hans"):
        message = plan.check_in_refusal(TODAY())
    assert f"{day:%Y-%m-%d}" in message and "改为今天" in message
    assert plan.check_in_refusal(day) is None and plan.check_in_refusal(day + datetime.timedelta(days=1)) is None


def test_todays_and_overdue_plans_still_check_in(org):
    today = make_plan(org.rep_a, make_customer(org.rep_a))
    overdue = make_plan(org.rep_a, make_customer(org.rep_a), on=TODAY() - datetime.timedelta(days=3))
    assert services.check_in(today, actor=org.rep_a).status == VisitPlan.Status.CHECKED_IN
    assert services.check_in(overdue, actor=org.rep_a).status == VisitPlan.Status.CHECKED_IN
