"""Money test data: agreements made directly (the agreements services are another branch's concern)."""

import datetime
import itertools
from decimal import Decimal

from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables import services
from salesflow.testing import factories

_seq = itertools.count(1)


def make_agreement(owner, *, amount="10000.00", signed_on=None, status=Agreement.Status.ACTIVE, customer=None,
                   plan=None, terms_days=30, **extra) -> Agreement:
    """An agreement of ``owner`` (status active by default) with its payment plan: ``plan`` is a list of
    ``(due_on, amount)``; by default one instalment of the whole amount due ``terms_days`` after signing."""
    customer = customer or factories.make_customer(owner)
    agreement = Agreement.objects.create(
        number=f"HT-T-{next(_seq):05}", customer=customer, owner=owner, team=owner.team,
        signed_on=signed_on or datetime.date(2026, 1, 10), amount=Decimal(amount), status=Agreement.Status.ACTIVE,
        payment_terms_days=terms_days, **extra)
    instalments = ([{"due_on": due, "amount": Decimal(str(a))} for due, a in plan] if plan is not None
                   else services.default_plan(agreement))
    if instalments:
        services.replace_plan(agreement, instalments, actor=None)
    Agreement.objects.filter(pk=agreement.pk).update(status=status)
    agreement.refresh_from_db()
    return agreement
