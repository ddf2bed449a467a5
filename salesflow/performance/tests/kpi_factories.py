"""Known data for KPI tests: opportunities won/lost at given times, agreements, activities, targets."""

import datetime
from decimal import Decimal

from django.utils import timezone

from salesflow.activities.models import Activity
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.performance.models import Measure, Target, TargetPlan
from salesflow.pipeline.models import Opportunity
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer

__all__ = ["at", "make_activity", "make_agreement", "make_closed", "make_target"]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_closed(owner, *, opened: datetime.date, closed: datetime.date, won=True, amount="1000"):
    opp = open_opportunity(actor=owner, customer=make_customer(owner), subject="商机", amount=Decimal(amount))
    Opportunity.objects.filter(pk=opp.pk).update(
        status=Opportunity.Status.WON if won else Opportunity.Status.LOST, created_at=at(opened), closed_at=at(closed))
    return opp


def make_activity(owner, day: datetime.date, customer=None, kind=Activity.Kind.CALL):
    return Activity.objects.create(owner=owner, team_id=owner.team_id, customer=customer, kind=kind,
                                   subject="电话沟通", occurred_at=at(day))


def make_target(user, period: str, amount, measure="signed_amount"):
    plan, _created = TargetPlan.objects.get_or_create(
        year=int(period[:4]), measure=Measure.objects.get(key=measure), revision=1,
        defaults={"status": TargetPlan.Status.APPROVED})
    return _save_target(plan, user, period, amount)


def _save_target(plan, user, period, amount):
    target = Target(plan=plan, user=user, period=period, amount=Decimal(amount)).fill_derived()
    target.save()
    return target
