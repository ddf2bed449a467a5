"""The funnel roll-up (kept by database triggers) gives the live funnel's figures after every kind of write."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesflow.org.models import Role
from salesflow.pipeline import services
from salesflow.pipeline.analytics.filters import AnalyticsFilter
from salesflow.pipeline.analytics.funnel import funnel, funnel_for, funnel_rollup
from salesflow.pipeline.analytics.winrates import reach_rollup, reach_table
from salesflow.pipeline.models import FunnelRollup, Opportunity, Pipeline, Stage, StageChange, rebuild_funnel_rollup
from salesflow.testing.factories import make_customer, make_user


def _figures(rows):
    return [(r["order"], r["count"], Decimal(r["amount"]).quantize(Decimal("0.01"))) for r in rows]


def _assert_same_as_live(org, pipeline):
    readers = [org.director, org.manager_east, org.manager_west, org.rep_a, org.rep_b, org.finance, None]
    for user in readers:
        live = Opportunity.objects.visible_to(user) if user is not None else Opportunity.objects.all()
        assert _figures(funnel_rollup(user, pipeline)) == _figures(funnel(live, pipeline)), user
        assert reach_rollup(user, pipeline) == reach_table(live, pipeline), user
    assert _figures(funnel_rollup(org.director, pipeline, team=org.east)) == _figures(
        funnel(Opportunity.objects.filter(team__in=org.east.subtree().values("id")), pipeline))
    assert _figures(funnel_rollup(org.director, pipeline, owner=org.rep_b)) == _figures(
        funnel(Opportunity.objects.filter(owner=org.rep_b), pipeline))


@pytest.fixture
def pipeline(org):
    return Pipeline.default()


def open_deal(owner, amount):
    return services.open_opportunity(actor=owner, customer=make_customer(owner), subject="漏斗", amount=amount)


def test_rollup_follows_opens_moves_wins_losses_edits_owner_changes_bulk_updates_and_deletes(org, pipeline):
    stages = list(pipeline.stages.order_by("order"))
    a1, a2, b1 = open_deal(org.rep_a, "100.10"), open_deal(org.rep_a, "200.20"), open_deal(org.rep_b, "400.40")
    _assert_same_as_live(org, pipeline)
    assert _figures(funnel_rollup(org.director, pipeline))[0] == (1, 3, Decimal("700.70"))
    b1 = services.move_stage(actor=org.manager_west, opportunity=b1, stage=stages[2], override_reason="加急")
    a1 = services.win_opportunity(actor=org.rep_a, opportunity=a1)
    services.lose_opportunity(actor=org.rep_a, opportunity=a2)
    _assert_same_as_live(org, pipeline)
    a3 = open_deal(org.rep_a, "50")
    a3 = services.update_opportunity(actor=org.rep_a, opportunity=a3, version=a3.version, amount=Decimal("75.5"))
    _assert_same_as_live(org, pipeline)
    Opportunity.objects.filter(pk=a3.pk).update(owner=org.rep_b, team=org.west)  # a bulk write, past any signal
    _assert_same_as_live(org, pipeline)
    assert _figures(funnel_rollup(org.rep_b, pipeline))[0] == (1, 1, Decimal("75.50"))
    Opportunity.objects.filter(pk=b1.pk).delete()
    _assert_same_as_live(org, pipeline)
    assert not FunnelRollup.objects.filter(n__lte=0).exists()  # emptied rows are deleted, not left at zero
    assert _figures(funnel_rollup(org.director, pipeline)) == [
        (s.order, 1 if s.order == 1 else 0, Decimal("75.50") if s.order == 1 else Decimal("0.00")) for s in stages]


def test_furthest_stage_reached_follows_the_history_and_a_stale_save_does_not_undo_it(org, pipeline):
    stages = list(pipeline.stages.order_by("order"))
    deal = open_deal(org.rep_a, "300")
    assert Opportunity.objects.get(pk=deal.pk).reached_order == stages[0].order
    deal = services.move_stage(actor=org.manager_east, opportunity=deal, stage=stages[2], override_reason="客户加急")
    deal = services.update_opportunity(actor=org.rep_a, opportunity=deal, version=deal.version, amount=Decimal("310"))
    assert Opportunity.objects.get(pk=deal.pk).reached_order == stages[2].order  # not written back by the save
    deal = services.move_stage(actor=org.rep_a, opportunity=Opportunity.objects.get(pk=deal.pk), stage=stages[1])
    services.lose_opportunity(actor=org.rep_a, opportunity=deal)
    assert Opportunity.objects.get(pk=deal.pk).reached_order == stages[2].order  # a step back keeps the furthest
    other = open_deal(org.rep_b, "50")
    _assert_same_as_live(org, pipeline)
    table = reach_rollup(org.director, pipeline)
    assert table[stages[2].order] == {"reached": 1, "won": 0, "lost": 1}
    assert table[stages[0].order]["reached"] == 2
    # the stage entered furthest changes order (swapped with the one before it): the deals that entered it follow
    third, second = Stage.objects.get(pk=stages[2].pk), Stage.objects.get(pk=stages[1].pk)
    Stage.objects.filter(pk=third.pk).update(order=7)
    Stage.objects.filter(pk=second.pk).update(order=third.order)
    Stage.objects.filter(pk=third.pk).update(order=second.order)
    assert Opportunity.objects.get(pk=deal.pk).reached_order == third.order  # the stage it entered first is later now
    _assert_same_as_live(org, pipeline)
    StageChange.objects.filter(opportunity=deal, to_stage=second).delete()  # history removed: recomputed
    assert Opportunity.objects.get(pk=deal.pk).reached_order == second.order
    _assert_same_as_live(org, pipeline)
    Opportunity.objects.filter(pk=other.pk).delete()
    _assert_same_as_live(org, pipeline)


def test_emptying_the_rollup_before_the_deals_leaves_it_empty(org, pipeline):
    """As a test database flush on SQLite does (``DELETE FROM`` every table in no fixed order): the deals' delete
    triggers must not leave negative rows naming stages and people that are gone."""
    open_deal(org.rep_a, "10")
    open_deal(org.rep_b, "20")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pipeline_funnelrollup")
        cursor.execute("DELETE FROM pipeline_stagechange")
        cursor.execute("DELETE FROM pipeline_opportunity")
    assert not FunnelRollup.objects.exists()


def test_rebuild_gives_the_rows_the_triggers_kept(org, pipeline):
    for amount in ("10", "20.05", "30"):
        open_deal(org.rep_a, amount)
    open_deal(org.rep_b, "99.99")
    kept = sorted(FunnelRollup.objects.filter(n__gt=0).values_list("stage_id", "status", "owner_id", "team_key",
                                                                    "n", "amount"))
    FunnelRollup.objects.all().delete()
    assert funnel_rollup(org.director, pipeline)[0]["count"] == 0  # the page reads the roll-up, nothing else
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "funnel roll-up: " in out.getvalue()
    assert sorted(FunnelRollup.objects.values_list("stage_id", "status", "owner_id", "team_key", "n",
                                                   "amount")) == kept
    assert rebuild_funnel_rollup() == len(kept)


def test_funnel_page_and_api_read_the_rollup_unless_a_filter_needs_the_deals(org, pipeline, client_for):
    open_deal(org.rep_a, "100")
    FunnelRollup.objects.filter(owner_id=org.rep_a.pk).update(n=7)  # tamper, to see which source answers
    assert funnel_for(org.director, AnalyticsFilter({}), pipeline)[0]["count"] == 7
    assert funnel_for(org.director, AnalyticsFilter({"customer_class": "B"}), pipeline)[0]["count"] == 1
    page = client_for(org.director).get("/analytics/funnel/").content.decode()
    api = client_for(org.director).get("/api/v1/analytics/funnel").json()
    assert api["rows"][0]["count"] == 7
    assert '"counts": [7, 0' in page
    filtered = client_for(org.director).get("/api/v1/analytics/funnel?customer_class=B").json()
    assert filtered["rows"][0]["count"] == 1


def test_a_rep_of_another_team_and_finance_see_nothing_of_others_in_the_rollup(org, pipeline):
    open_deal(org.rep_a, "100")
    other = make_user("rep_c", role=Role.REP, team=org.west)
    assert funnel_rollup(other, pipeline)[0]["count"] == 0
    assert funnel_rollup(org.finance, pipeline)[0]["count"] == 0
    assert funnel_rollup(org.manager_east, pipeline)[0]["count"] == 1


def test_director_funnel_reads_rollup_rows_not_opportunities(org, pipeline):
    open_deal(org.rep_a, "100")
    with CaptureQueriesContext(connection) as captured:
        funnel_for(org.director, AnalyticsFilter({}), pipeline)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "pipeline_funnelrollup" in sql and "pipeline_opportunity" not in sql
