"""Factories for activities tests (rows written directly: tests of the services call the services)."""

import datetime

from django.utils import timezone

from salesflow.activities.models import Activity, Task, VisitPlan


def make_activity(owner, customer=None, *, kind=Activity.Kind.CALL, at=None, **extra) -> Activity:
    return Activity.objects.create(owner=owner, team_id=owner.team_id, customer=customer, kind=kind,
                                   subject=extra.pop("subject", "电话沟通需求"), occurred_at=at or timezone.now(),
                                   **extra)


def make_plan(owner, customer, *, on=None, **extra) -> VisitPlan:
    return VisitPlan.objects.create(owner=owner, team_id=owner.team_id, customer=customer,
                                    planned_on=on or timezone.localdate(),
                                    objective=extra.pop("objective", "介绍方案"), **extra)


def make_task(owner, *, due=None, **extra) -> Task:
    return Task.objects.create(owner=owner, team_id=owner.team_id, title=extra.pop("title", "回电客户"),
                               due_at=due or timezone.now() + datetime.timedelta(hours=2), **extra)
