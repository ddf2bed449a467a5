"""What-if: the cost of a changed plan against the last closed period's data, per rep and in total, beside the
current plan's. Reads only; applying the change is ``services.save_plan``."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from salesflow.core.periods import Period, period_of
from salesflow.org.models import User

from ..models import CommissionPlan
from . import services
from .calculation import PlanSpec, TierSpec


@dataclass
class Row:
    user: User
    current: Decimal
    changed: Decimal
    current_attainment: Decimal | None

    @property
    def difference(self) -> Decimal:
        return self.changed - self.current


@dataclass
class Simulation:
    period: Period
    rows: list[Row]

    @property
    def current_total(self) -> Decimal:
        return sum((r.current for r in self.rows), Decimal(0))

    @property
    def changed_total(self) -> Decimal:
        return sum((r.changed for r in self.rows), Decimal(0))

    @property
    def difference(self) -> Decimal:
        return self.changed_total - self.current_total


def last_closed_period(today=None) -> Period:
    month = period_of("month", today or timezone.localdate())
    return period_of("month", month.start - datetime.timedelta(days=1))


def people_on(plan: CommissionPlan):
    """The people the plan pays: those it names, else the active users of its role who have no named plan."""
    members = list(plan.members.all())
    if members:
        return members
    return list(User.objects.filter(is_active=True, role=plan.role, commission_plans__isnull=True)
                .order_by("username"))


def simulate(*, plan: CommissionPlan, changed: CommissionPlan, tiers, period: Period | None = None) -> Simulation:
    """Each rep's pay (base + commission, before clawbacks) for ``period`` (default: last month) under the current
    plan and under ``changed`` (unsaved terms) with ``tiers``. Nothing is written."""
    tiers = [(services._dec(a), services._dec(b), services._dec(c)) for a, b, c in tiers]
    CommissionPlan.validate_tiers(tiers)
    changed.clean()
    period = period or last_closed_period()
    current_spec = PlanSpec.of(plan)
    changed_spec = PlanSpec(changed.ote, changed.base_percent, changed.variable_percent, changed.basis,
                            tuple(TierSpec(a, b, c) for a, b, c in tiers), changed.cap_multiple,
                            changed.decelerator_below, changed.decelerator_factor,
                            plan.measured_on)  # the terms change; whose deals count stays the plan's
    rows = []
    for user in people_on(plan):
        now = services.compute(plan, user, period, spec=current_spec, clawbacks=False)
        then = services.compute(plan, user, period, spec=changed_spec, clawbacks=False)
        rows.append(Row(user, now.total, then.total, now.attainment))
    return Simulation(period, rows)

