"""Won deals per local month (``WonMonthly``, kept by database triggers) equal the deals themselves after every kind
of write, in the site's time zone; in another zone the readers read the deals until ``rebuild_rollups``."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from salesflow.core.periods import period_of
from salesflow.pipeline import services
from salesflow.pipeline.analytics.forecast import forecast, forecast_by, won_rolled_up
from salesflow.pipeline.models import Opportunity, WonMonthly
from salesflow.testing.factories import make_customer

UTC = datetime.UTC


pytestmark = pytest.mark.usefixtures("rollup_zone_forgotten")


def won_deal(owner, amount, closed_at):
    deal = services.open_opportunity(actor=owner, customer=make_customer(owner), subject="赢单", amount=amount)
    return services.win_opportunity(actor=owner, opportunity=deal, closed_at=closed_at)


def live_by_month() -> dict:
    found = defaultdict(lambda: [0, Decimal(0)])
    for deal in Opportunity.objects.filter(status=Opportunity.Status.WON):
        key = (timezone.localtime(deal.closed_at).date().replace(day=1), deal.owner_id or 0, deal.team_id or 0)
        found[key][0] += 1
        found[key][1] += deal.amount
    return {key: (n, amount) for key, (n, amount) in found.items()}


def rolled_by_month() -> dict:
    return {(r.month, r.owner_id, r.team_key): (r.n, r.value) for r in WonMonthly.objects.all()}


def assert_same_as_live():
    assert rolled_by_month() == live_by_month()
    assert not WonMonthly.objects.filter(n__lte=0).exists()  # emptied rows are deleted


def test_rollup_follows_wins_edits_moves_reopenings_bulk_updates_and_deletes(org):
    # 2026-10-31 16:30 UTC is 1 November 00:30 in Shanghai: a November deal, not an October one
    midnight_edge = datetime.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    a1 = won_deal(org.rep_a, "100.10", midnight_edge)
    a2 = won_deal(org.rep_a, "200.20", datetime.datetime(2026, 10, 15, 2, 0, tzinfo=UTC))
    b1 = won_deal(org.rep_b, "400.40", datetime.datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    services.open_opportunity(actor=org.rep_b, customer=make_customer(org.rep_b), subject="未赢", amount="999")
    assert_same_as_live()
    assert WonMonthly.objects.get(owner_id=org.rep_a.pk, month=datetime.date(2026, 11, 1)).value == Decimal("100.10")
    Opportunity.objects.filter(pk=a2.pk).update(amount=Decimal("250"))  # bulk writes, past any signal
    Opportunity.objects.filter(pk=a1.pk).update(closed_at=midnight_edge - datetime.timedelta(hours=1))  # October
    assert_same_as_live()
    assert WonMonthly.objects.get(owner_id=org.rep_a.pk, month=datetime.date(2026, 10, 1)).n == 2
    Opportunity.objects.filter(pk=b1.pk).update(owner=org.rep_a2, team=org.east1)
    assert_same_as_live()
    Opportunity.objects.filter(pk=b1.pk).update(status=Opportunity.Status.LOST)  # its closing date kept
    assert_same_as_live()
    Opportunity.objects.filter(pk=b1.pk).update(status=Opportunity.Status.WON)
    assert_same_as_live()
    services.reopen_opportunity(actor=org.manager_east, opportunity=Opportunity.objects.get(pk=a2.pk))
    assert_same_as_live()
    Opportunity.objects.filter(pk=a1.pk).delete()
    assert_same_as_live()
    assert rolled_by_month() == {(datetime.date(2026, 11, 1), org.rep_a2.pk, org.east1.pk): (1, Decimal("400.40"))}


def test_the_forecast_from_the_rollup_equals_the_forecast_from_the_deals_for_every_reader(org):
    today = timezone.localdate()
    quarter = period_of("quarter", today)
    now = timezone.now()
    won_deal(org.rep_a, "120", now)
    won_deal(org.rep_a2, "80.5", now)
    won_deal(org.rep_b, "300", now)
    won_deal(org.rep_b, "7", now - datetime.timedelta(days=400))  # another year: outside the quarter
    for user in (org.director, org.manager_east, org.manager_west, org.rep_a, org.rep_b, org.finance, None):
        deals = Opportunity.objects.visible_to(user) if user is not None else Opportunity.objects.all()
        rolled = won_rolled_up(user, quarter)
        assert rolled is not None
        assert forecast(deals, quarter, won=rolled) == forecast(deals, quarter), user
        assert forecast(deals, quarter, group_by="owner__username", won=rolled) == forecast(
            deals, quarter, group_by="owner__username"), user
    assert forecast(Opportunity.objects.all(), quarter, won=won_rolled_up(None, quarter))["closed_won"] == Decimal(
        "500.50")
    assert won_rolled_up(org.finance, quarter) == []  # finance reads no deal, so no roll-up row either
    only_a = won_rolled_up(org.director, quarter, owners=[org.rep_a.pk])
    assert only_a == [{"team_id": org.east1.pk, "owner_id": org.rep_a.pk, "total": Decimal("120.00")}]
    by_owner = forecast_by(Opportunity.objects.all(), quarter, lambda row: row["owner_id"],
                           won=won_rolled_up(None, quarter))
    assert by_owner[org.rep_b.pk]["closed_won"] == Decimal("300")
    week = period_of("week", today)
    assert won_rolled_up(org.director, week) is None  # not whole months: the deals answer


def test_in_another_time_zone_the_deals_answer_until_the_rollup_is_rebuilt(org, settings):
    midnight_edge = datetime.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # November in Shanghai, October in London
    won_deal(org.rep_a, "100", midnight_edge)
    november = period_of("month", datetime.date(2026, 11, 1))
    assert WonMonthly.usable()
    assert won_rolled_up(org.director, november)[0]["total"] == Decimal("100")
    settings.TIME_ZONE = "Europe/London"
    assert not WonMonthly.usable()
    assert won_rolled_up(org.director, november) is None
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "won deals per month: 1 rows" in out.getvalue()
    assert WonMonthly.usable()
    assert won_rolled_up(org.director, november) == []
    assert rolled_by_month() == live_by_month() == {(datetime.date(2026, 10, 1), org.rep_a.pk, org.east1.pk):
                                                    (1, Decimal("100.00"))}
    won_deal(org.rep_b, "5", midnight_edge)  # the reinstalled triggers place new wins in London's months too
    assert_same_as_live()


def test_rebuild_gives_the_rows_the_triggers_kept(org):
    now = timezone.now()
    for owner, amount in ((org.rep_a, "10"), (org.rep_a, "20.05"), (org.rep_b, "30")):
        won_deal(owner, amount, now)
    kept = rolled_by_month()
    WonMonthly.objects.all().delete()
    assert WonMonthly.rebuild() == len(kept) == 2
    assert rolled_by_month() == kept
