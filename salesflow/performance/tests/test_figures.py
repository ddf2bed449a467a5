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
