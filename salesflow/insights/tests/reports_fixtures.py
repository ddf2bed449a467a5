"""Data of the report tests: an approved 2026 signed-amount plan, October deals won and lost, agreements and a
payment, in East-1 (rep_a) and West (rep_b)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesflow.contracts.receivables.services import record_payment
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.performance.targets import services as targets
from salesflow.pipeline.models import Reason
from salesflow.pipeline.services import lose_opportunity, open_opportunity, win_opportunity
from salesflow.testing.factories import make_customer

OCT = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))


def deal(owner, amount, *, won: bool, reason=None, subject="商机"):
    opportunity = open_opportunity(actor=owner, customer=make_customer(owner), subject=subject, amount=amount)
    close = win_opportunity if won else lose_opportunity
    return close(actor=owner, opportunity=opportunity, reason=reason, closed_at=OCT)


@pytest.fixture(name="october")
def october_fixture(org):
    plan = targets.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1200000.00")
    targets.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    targets.approve_plan(actor=org.director, plan=plan)
    price = Reason.objects.create(kind="loss", name="价格太高")
    east = make_agreement(org.rep_a, amount="300000.00", signed_on=datetime.date(2026, 10, 8))
    make_agreement(org.rep_b, amount="50000.00", signed_on=datetime.date(2026, 10, 9))
    record_payment(east, amount=Decimal("120000.00"), received_on=datetime.date(2026, 10, 20), actor=None)
    deal(org.rep_a, 300000, won=True, subject="东区大单")
    deal(org.rep_a, 80000, won=False, reason=price, subject="东区丢单")
    deal(org.rep_b, 90000, won=False, reason=price, subject="西区丢单")
    deal(org.rep_b, 40000, won=False, subject="西区无原因")
    return plan
