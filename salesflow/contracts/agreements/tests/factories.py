"""Agreements for tests, made through the service (numbered, history row, team from the owner)."""

import datetime
from decimal import Decimal

from salesflow.contracts.agreements import services
from salesflow.testing.factories import make_customer


def make_agreement(actor, *, customer=None, amount=Decimal("1000.00"), status="draft", lines=(), **data):
    customer = customer or make_customer(actor)
    data.setdefault("signed_on", datetime.date(2026, 11, 2))
    return services.create_agreement(actor=actor, data={"customer": customer, "amount": amount, "status": status,
                                                        **data}, lines=lines)
