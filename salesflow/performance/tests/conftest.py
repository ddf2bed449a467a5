"""Shared fixtures of the performance tests (the ``org`` fixture of the root conftest is the organisation):

    company
    └── HQ (director, finance, admin)
        ├── East  (manager_east)
        │   └── East-1  (rep_a, rep_a2)
        └── West  (manager_west, rep_b)
"""

import datetime
from decimal import Decimal

import pytest

from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.performance.targets import services


@pytest.fixture
def plan(org):
    """A draft 2026 signed-amount plan of 1,200,000.00 for the company, split evenly over time."""
    return services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1200000.00")


@pytest.fixture
def signed():
    """signed(owner, day, amount): an agreement of ``owner`` signed on ``day``."""

    def make(owner, day: datetime.date, amount):
        return make_agreement(owner, amount=str(Decimal(amount)), signed_on=day)

    return make
