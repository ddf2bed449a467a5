"""The shared figures and the one rounding rule every split uses."""

import datetime
from decimal import Decimal

import pytest

from salesflow.core.money import allocate
from salesflow.performance import figures
from salesflow.performance.models import Measure
from salesflow.testing.factories import make_customer, make_user


def test_allocate_adds_up_to_the_cent_and_gives_leftover_cents_to_the_largest_remainders():
    assert allocate(Decimal("100.00"), [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert allocate(Decimal("0.05"), [1, 2, 2]) == [Decimal("0.01"), Decimal("0.02"), Decimal("0.02")]
    parts = allocate(Decimal("1000000.01"), [3, 7, 0, 5])
    assert sum(parts) == Decimal("1000000.01") and parts[2] == 0


def test_allocate_splits_evenly_when_no_weight_is_positive():
    assert allocate(Decimal("10"), [0, 0]) == [Decimal("5.00"), Decimal("5.00")]
    assert allocate(Decimal("10"), [-3, 0]) == [Decimal("5.00"), Decimal("5.00")]
    assert allocate(Decimal("10"), []) == []


@pytest.mark.django_db
def test_every_figure_has_a_built_in_measure():
    assert set(figures.FIGURES) <= set(Measure.objects.values_list("figure", flat=True))


@pytest.mark.django_db
def test_new_customers_are_counted_per_owner_in_the_span_and_drill_down_to_the_same_rows():
    rep, other = make_user(), make_user()
    inside = datetime.date(2026, 3, 10)
    for owner in (rep, rep, other):
        make_customer(owner=owner, created_at=datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC))
    make_customer(owner=rep, created_at=datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC))
    values = figures.actuals("new_customers", datetime.date(2026, 3, 1), inside)
    assert values == {rep.pk: Decimal(2), other.pk: Decimal(1)}
    rows = figures.records("new_customers", datetime.date(2026, 3, 1), inside, owners=[rep.pk])
    assert rows.count() == 2


def _live(key, first, last):
    """The figure per owner counted from its rows (figures.records), as the live query would."""
    fig, result = figures.get(key), {}
    for row in figures.records(key, first, last).values(fig.owner, "amount"):
        if row[fig.owner] is not None:
            result[row[fig.owner]] = result.get(row[fig.owner], Decimal(0)) + (
                row["amount"] if fig.unit == figures.AMOUNT else 1)
    return result


@pytest.mark.django_db
def test_signed_and_collected_over_whole_months_come_from_the_money_rollup_and_equal_the_rows():
    from salesflow.contracts.models import Agreement, MonthlyMoney
    from salesflow.contracts.receivables import services
    from salesflow.contracts.receivables.tests.factories import make_agreement

    rep, other = make_user(), make_user()
    first = make_agreement(rep, amount="1000.00", signed_on=datetime.date(2026, 3, 5))
    make_agreement(rep, amount="250.50", signed_on=datetime.date(2026, 3, 31))
    make_agreement(other, amount="99.00", signed_on=datetime.date(2026, 4, 1))
    make_agreement(other, amount="5.00", signed_on=datetime.date(2026, 3, 2), status=Agreement.Status.DRAFT)
    services.record_payment(first, amount=Decimal("400.00"), received_on=datetime.date(2026, 3, 20), actor=rep)
    quarter, march = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)), (datetime.date(2026, 3, 1),
                                                                                datetime.date(2026, 3, 31))
    for key in ("signed_amount", "signed_count", "collected_amount"):
        for span in (quarter, march, (datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))):
            assert figures.actuals(key, *span) == _live(key, *span), (key, span)
    assert figures.actuals("signed_amount", *quarter) == {rep.pk: Decimal("1250.50")}
    assert figures.actuals("signed_count", *march, owners=[rep.pk, other.pk]) == {rep.pk: Decimal(2)}
    assert figures.actuals("collected_amount", *march) == {rep.pk: Decimal("400.00")}
    MonthlyMoney.objects.filter(measure="signed").update(value=0)  # what is read over whole months is the roll-up
    assert figures.actuals("signed_amount", *quarter) == {rep.pk: Decimal("0.00")}
    assert figures.actuals("signed_amount", datetime.date(2026, 3, 2), datetime.date(2026, 3, 31)) == {
        rep.pk: Decimal("1250.50")}  # not whole months: the rows
