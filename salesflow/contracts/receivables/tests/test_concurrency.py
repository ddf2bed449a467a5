"""Real parallel connections (threads, each its own connection) recording money on the same agreement at once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesflow.contracts.models import Agreement, Instalment, Invoice, Payment
from salesflow.contracts.receivables import services
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory

from .factories import make_agreement

D = Decimal
DAY = datetime.date(2026, 3, 1)


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_payments_never_over_collect_and_never_lose_a_payment(org):
    # 10,000 in two instalments; 8 payments of 1,500 arrive at once: 6 fit (9,000), the other 2 are refused.
    agreement = make_agreement(org.rep_a, amount="10000", plan=[(DAY, "4000"), (DAY, "6000")])

    def pay(i):
        return services.record_payment(agreement, amount="1500", received_on=DAY, actor=org.finance,
                                       reference=f"R{i}")

    results = run_in_parallel(pay, [(i,) for i in range(8)])
    paid = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(paid), len(refused)) == (6, 2), results
    agreement.refresh_from_db()
    assert agreement.collected_amount == D("9000.00") == sum(p.amount for p in Payment.objects.all())
    assert sum(i.collected_amount for i in Instalment.objects.filter(agreement=agreement)) == D("9000.00")


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_retries_with_the_same_key_record_one_payment(org):
    agreement = make_agreement(org.rep_a, amount="10000")

    def pay():
        return services.record_payment(agreement, amount="700", received_on=DAY, actor=org.finance,
                                       idempotency_key="same-click")

    results = run_in_parallel(pay, [() for _i in range(6)])
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Agreement.objects.get(pk=agreement.pk).collected_amount == D("700.00")


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_invoice_requests_never_exceed_the_amount(org):
    agreement = make_agreement(org.rep_a, amount="1000")

    def ask():
        return services.request_invoice(agreement, amount="300", type="normal", tax_rate=13, actor=org.rep_a)

    results = run_in_parallel(ask, [() for _i in range(6)])
    assert sum(isinstance(r, Invoice) for r in results) == 3, results
    assert Agreement.objects.get(pk=agreement.pk).invoiced_amount == D("900.00")
