"""The money roll-up under real parallel connections (PostgreSQL): agreements moving between two people in opposite
directions at the same moment lock the roll-up rows in one order, so neither transaction is aborted as a deadlock,
and the roll-up still equals a rebuild from the records."""

import datetime

import pytest
from django.db import transaction

from salesflow.contracts.models import Agreement, MonthlyMoney, rebuild_money_rollup
from salesflow.contracts.receivables import services
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory

SIGNED = datetime.date(2026, 1, 10)
ROUNDS = 40


def kept() -> dict:
    return {tuple(r[:6]): r[6:] for r in MonthlyMoney.objects.values_list(
        "measure", "month", "owner_id", "team_key", "region_id", "series", "n", "value")}


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opposite_transfers_at_once_never_deadlock(org):
    def agreement_of(owner):  # money in the same months for both: signed, planned, due, open and collected
        agreement = make_agreement(owner, amount="1000", signed_on=SIGNED,
                                   plan=[(datetime.date(2026, 2, 1), "400"), (datetime.date(2026, 3, 1), "600")])
        services.record_payment(agreement, amount="300", received_on=datetime.date(2026, 2, 3), actor=org.finance)
        return agreement

    ours = [agreement_of(org.rep_a) for _i in range(ROUNDS)]
    theirs = [agreement_of(org.rep_b) for _i in range(ROUNDS)]

    def move(agreement, to):
        with transaction.atomic():
            return Agreement.objects.filter(pk=agreement.pk).update(owner=to, team=to.team)

    failures = []
    for mine, other in zip(ours, theirs, strict=True):
        results = run_in_parallel(move, [(mine, org.rep_b), (other, org.rep_a)])
        failures += [r for r in results if r != 1]
    assert failures == []
    assert Agreement.objects.filter(owner=org.rep_a).count() == Agreement.objects.filter(owner=org.rep_b).count()
    before = kept()
    rebuild_money_rollup()
    assert kept() == before
