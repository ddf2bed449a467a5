import datetime

import pytest
from django.db import transaction

from salesflow.contracts.agreements.numbering import format_number, next_number, validate_pattern
from salesflow.contracts.models import Agreement, NumberingRule
from salesflow.testing.factories import make_customer
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory

NOV = datetime.date(2026, 11, 23)


def test_format_fills_every_placeholder():
    assert format_number("X{yy}{mm}{dd}-{seq:05}/{yyyy}", NOV, 7) == "X261123-00007/2026"
    assert format_number("N{seq}", NOV, 12) == "N12"


def test_pattern_without_one_seq_or_with_unknown_placeholder_is_refused():
    validate_pattern("HT-{yyyy}-{seq:04}")
    with pytest.raises(ValueError):
        validate_pattern("HT-{yyyy}")
    with pytest.raises(ValueError):
        validate_pattern("HT-{month}-{seq}")


@pytest.mark.django_db
def test_default_patterns_apply_when_no_rule_row_exists():
    assert next_number("contract", NOV) == "HT-202611-0001"
    assert next_number("contract", NOV) == "HT-202611-0002"
    assert next_number("order", NOV) == "DD-202611-0001"
    assert next_number("quotation", NOV) == "BJ-202611-0001"


@pytest.mark.django_db
def test_monthly_counter_restarts_each_month_and_never_when_so_configured():
    assert next_number("contract", NOV) == "HT-202611-0001"
    assert next_number("contract", datetime.date(2026, 12, 1)) == "HT-202612-0001"
    assert next_number("contract", NOV) == "HT-202611-0002"
    NumberingRule.objects.create(kind="order", pattern="O{yy}-{seq:03}", reset=NumberingRule.Reset.NEVER)
    assert next_number("order", NOV) == "O26-001"
    assert next_number("order", datetime.date(2027, 1, 5)) == "O27-002"


@pytest.mark.django_db
def test_yearly_counter_restarts_each_year():
    NumberingRule.objects.create(kind="contract", pattern="C{yyyy}{seq:04}", reset=NumberingRule.Reset.YEARLY)
    assert next_number("contract", NOV) == "C20260001"
    assert next_number("contract", datetime.date(2026, 12, 31)) == "C20260002"
    assert next_number("contract", datetime.date(2027, 1, 1)) == "C20270001"


@pytest.mark.django_db
def test_a_number_is_never_reused_after_its_document_is_deleted(org):
    customer = make_customer(org.rep_a, name="删除客户")
    number = next_number("contract", NOV)
    agreement = Agreement.objects.create(number=number, customer=customer, owner=org.rep_a, signed_on=NOV, amount=1)
    agreement.delete()
    assert next_number("contract", NOV) == "HT-202611-0002"


@pytest.mark.django_db
def test_a_rolled_back_document_rolls_back_its_number_too():
    # The counter moves in the caller's transaction: a failed save does not burn a number.
    try:
        with transaction.atomic():
            next_number("contract", NOV)
            raise RuntimeError
    except RuntimeError:
        pass
    assert next_number("contract", NOV) == "HT-202611-0001"


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_connections_get_distinct_consecutive_numbers():
    def take():
        with transaction.atomic():
            return next_number("contract", NOV)

    numbers = run_in_parallel(take, [()] * 8)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert sorted(numbers) == [f"HT-202611-{i:04d}" for i in range(1, 9)]
