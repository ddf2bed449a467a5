"""Each formula kind of the KPI library against known data (values Decimal, no data is None)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesflow.core.periods import parse_period
from salesflow.customers.models import Customer
from salesflow.performance import figures
from salesflow.performance.kpis import selectors
from salesflow.performance.kpis.library import LIBRARY
from salesflow.performance.kpis.selectors import Group, evaluate, person
from salesflow.performance.models import Kpi, ManualValue, Measure
from salesflow.testing.factories import make_customer, make_team, make_user

from .kpi_factories import make_activity, make_agreement, make_closed, make_target

pytestmark = pytest.mark.django_db
MARCH = parse_period("2026-03")


def kpi(key):
    return Kpi.objects.get(key=key)


def test_the_library_covers_the_four_families_and_every_new_figure_has_a_measure():
    assert set(Kpi.objects.values_list("family", flat=True)) == {"result", "process", "team", "development"}
    assert Kpi.objects.count() == len(LIBRARY)
    assert set(figures.FIGURES) <= set(Measure.objects.values_list("figure", flat=True))
    for item in Kpi.objects.all():
        item.full_clean()


def test_figure_kpi_sums_a_persons_and_a_teams_rows_and_says_none_without_data():
    team = make_team()
    rep, other, idle = make_user(team=team), make_user(team=team), make_user(team=team)
    make_agreement(rep, amount="1200.50", signed_on=datetime.date(2026, 3, 3))
    make_agreement(rep, amount="800.00", signed_on=datetime.date(2026, 3, 31))
    make_agreement(other, amount="100.00", signed_on=datetime.date(2026, 3, 15))
    make_agreement(rep, amount="999.00", signed_on=datetime.date(2026, 4, 1))  # outside
    groups = [person(rep), person(idle), Group("team", (rep.pk, other.pk, idle.pk), team.pk)]
    values = evaluate(kpi("signed_amount"), MARCH, groups)
    assert values == {("user", rep.pk): Decimal("2000.50"), ("user", idle.pk): None, "team": Decimal("2100.50")}


def test_ratio_win_rate_is_won_over_closed_and_sales_cycle_is_average_days_to_win():
    rep = make_user()
    make_closed(rep, opened=datetime.date(2026, 2, 1), closed=datetime.date(2026, 3, 3))  # 30 days
    make_closed(rep, opened=datetime.date(2026, 3, 1), closed=datetime.date(2026, 3, 11))  # 10 days
    make_closed(rep, opened=datetime.date(2026, 3, 1), closed=datetime.date(2026, 3, 12), won=False)
    make_closed(rep, opened=datetime.date(2026, 1, 1), closed=datetime.date(2026, 4, 12))  # April
    values = {k: evaluate(kpi(k), MARCH, [person(rep)])[("user", rep.pk)] for k in ("win_rate", "sales_cycle")}
    assert values == {"win_rate": Decimal("66.67"), "sales_cycle": Decimal("20.00")}


def test_ratio_over_nothing_is_no_data_not_zero():
    rep = make_user()
    assert evaluate(kpi("win_rate"), MARCH, [person(rep)]) == {("user", rep.pk): None}


def test_followup_coverage_counts_customers_touched_in_the_period_over_the_book():
    rep = make_user()
    customers = [make_customer(rep, created_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
                 for _ in range(4)]
    make_activity(rep, datetime.date(2026, 3, 4), customers[0])
    make_activity(rep, datetime.date(2026, 3, 5), customers[0])
    make_activity(rep, datetime.date(2026, 2, 5), customers[1])
    assert evaluate(kpi("followup_coverage"), MARCH, [person(rep)]) == {("user", rep.pk): Decimal("25.00")}


def test_per_head_divides_a_teams_figure_by_its_headcount():
    team = make_team()
    reps = [make_user(team=team) for _ in range(3)]
    make_agreement(reps[0], amount="1000.00", signed_on=datetime.date(2026, 3, 3))
    values = evaluate(kpi("output_per_head"), MARCH, [Group("team", tuple(r.pk for r in reps), team.pk),
                                                      person(reps[0])])
    assert values == {"team": Decimal("333.33"), ("user", reps[0].pk): Decimal("1000.00")}


def test_vs_target_is_the_figure_over_the_approved_target_and_none_without_a_target():
    rep, untargeted = make_user(), make_user()
    make_agreement(rep, amount="750.00", signed_on=datetime.date(2026, 3, 3))
    make_agreement(untargeted, amount="750.00", signed_on=datetime.date(2026, 3, 3))
    make_target(rep, "2026-03", "1000.00")
    values = evaluate(kpi("target_completion"), MARCH, [person(rep), person(untargeted)])
    assert values == {("user", rep.pk): Decimal("75.00"), ("user", untargeted.pk): None}


def test_growth_compares_with_the_same_period_last_year():
    rep, newcomer = make_user(), make_user()
    for owner in (rep, newcomer):
        for _ in range(2):
            make_agreement(owner, amount="600.00", signed_on=datetime.date(2026, 3, 9),
                           customer=make_customer(owner, customer_class=Customer.Class.A))
    make_agreement(rep, amount="800.00", signed_on=datetime.date(2025, 3, 9),
                   customer=make_customer(rep, customer_class=Customer.Class.A))
    make_agreement(rep, amount="5000.00", signed_on=datetime.date(2025, 3, 9),
                   customer=make_customer(rep, customer_class=Customer.Class.B))  # not a key account
    values = evaluate(kpi("key_account_growth"), MARCH, [person(rep), person(newcomer)])
    assert values == {("user", rep.pk): Decimal("50.00"), ("user", newcomer.pk): None}


def test_retention_counts_signing_customers_who_had_signed_before():
    rep = make_user()
    loyal, fresh = make_customer(rep), make_customer(rep)
    make_agreement(rep, customer=loyal, signed_on=datetime.date(2025, 6, 1))
    make_agreement(rep, customer=loyal, signed_on=datetime.date(2026, 3, 2))
    make_agreement(rep, customer=fresh, signed_on=datetime.date(2026, 3, 2))
    assert evaluate(kpi("retention_rate"), MARCH, [person(rep)]) == {("user", rep.pk): Decimal("50.00")}


def test_manual_values_per_person_and_team_entry_overrides_the_members():
    team = make_team()
    a, b = make_user(team=team), make_user(team=team)
    hours = kpi("training_hours")
    ManualValue.objects.create(kpi=hours, user=a, period="2026-03", value=Decimal("6"))
    ManualValue.objects.create(kpi=hours, user=b, period="2026-03", value=Decimal("4.5"))
    ManualValue.objects.create(kpi=hours, user=b, period="2026-04", value=Decimal("99"))
    values = evaluate(hours, MARCH, [person(a), Group("team", (a.pk, b.pk), team.pk)])
    assert values == {("user", a.pk): Decimal("6.00"), "team": Decimal("10.50")}
    share = kpi("market_share")
    ManualValue.objects.create(kpi=share, team=team, period="2026-03", value=Decimal("12.5"))
    assert evaluate(share, MARCH, [Group("team", (a.pk, b.pk), team.pk), person(a)]) == {
        "team": Decimal("12.50"), ("user", a.pk): None}


def test_score_is_capped_and_reads_the_direction():
    assert selectors.score(Decimal(50), Decimal(40), higher_is_better=True) == Decimal("125.00")
    assert selectors.score(Decimal(500), Decimal(40), higher_is_better=True) == selectors.SCORE_CAP
    assert selectors.score(Decimal(40), Decimal(30), higher_is_better=False) == Decimal("75.00")
    assert selectors.score(None, Decimal(30), higher_is_better=True) is None
    assert selectors.score(Decimal(3), None, higher_is_better=True) is None


def test_a_kpi_over_many_people_runs_one_query_per_figure():
    reps, win_rate = [make_user() for _ in range(12)], kpi("win_rate")
    with CaptureQueriesContext(connection) as captured:
        evaluate(win_rate, MARCH, [person(r) for r in reps])
    assert len(captured) == 2
