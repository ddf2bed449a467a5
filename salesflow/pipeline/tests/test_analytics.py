import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from salesflow.core.periods import parse_period
from salesflow.pipeline import services
from salesflow.pipeline.analytics.forecast import forecast
from salesflow.pipeline.analytics.funnel import funnel
from salesflow.pipeline.analytics.stalled import stalled_levels
from salesflow.pipeline.analytics.winrates import smoothed_rate, win_rates
from salesflow.pipeline.models import Opportunity, Pipeline, StageChange
from salesflow.testing.factories import make_customer


@pytest.fixture
def deals(org):
    """rep_a: 2 tracking in stage 1 (100 + 200), 1 won; rep_b: 1 tracking in stage 2 (400), 1 lost."""
    stages = list(Pipeline.default().stages.order_by("order"))
    made = {}

    def deal(owner, name, amount, close_in_days=10):
        return services.open_opportunity(actor=owner, customer=make_customer(owner), subject=name, amount=amount,
                                         expected_close_date=timezone.localdate() + datetime.timedelta(close_in_days))

    made["a1"] = deal(org.rep_a, "a1", 100)
    made["a2"] = deal(org.rep_a, "a2", 200)
    made["a_won"] = services.win_opportunity(actor=org.rep_a, opportunity=deal(org.rep_a, "a_won", 1000))
    b1 = deal(org.rep_b, "b1", 400)
    made["b1"] = services.move_stage(actor=org.manager_west, opportunity=b1, stage=stages[1], override_reason="x")
    made["b_lost"] = services.lose_opportunity(actor=org.rep_b, opportunity=deal(org.rep_b, "b_lost", 50))
    return made


def test_funnel_counts_only_tracking_and_only_what_the_reader_sees(org, deals):
    pipeline = Pipeline.default()
    everything = {r["order"]: (r["count"], r["amount"]) for r in funnel(Opportunity.objects.visible_to(org.director),
                                                                       pipeline)}
    assert everything[1] == (2, Decimal(300)) and everything[2] == (1, Decimal(400))
    mine = {r["order"]: (r["count"], r["amount"]) for r in funnel(Opportunity.objects.visible_to(org.rep_a),
                                                                 pipeline)}
    assert mine[1] == (2, Decimal(300)) and mine[2] == (0, 0)
    east = {r["order"]: r["count"] for r in funnel(Opportunity.objects.visible_to(org.manager_east), pipeline)}
    assert east[2] == 0 and east[1] == 2


def test_win_rates_from_history_with_smoothing(org, deals):
    rows = {r["order"]: r for r in win_rates(Opportunity.objects.all(), Pipeline.default())}
    assert (rows[1]["reached"], rows[1]["won"], rows[1]["lost"]) == (5, 1, 1)
    assert (rows[2]["reached"], rows[2]["won"], rows[2]["lost"]) == (1, 0, 0)
    assert rows[1]["raw_win_percent"] == Decimal("50.0")
    assert rows[1]["to_next_percent"] == Decimal("20.0")
    # 1 won of 2 closed, smoothed toward the configured 10% with weight 10: (1 + 1) / (2 + 10) = 16.7%
    assert rows[1]["learned_win_percent"] == Decimal("16.7") and not rows[1]["enough_sample"]
    assert smoothed_rate(0, 0, Decimal(25)) == Decimal("25.0")  # no history: the configured rate, never 0%


def test_forecast_roll_up(org, deals):
    Opportunity.objects.filter(pk=deals["a1"].pk).update(forecast_category="commit")
    Opportunity.objects.filter(pk=deals["a2"].pk).update(forecast_category="best_case")
    period = parse_period(timezone.localdate().strftime("%Y"))
    result = forecast(Opportunity.objects.visible_to(org.rep_a), period)
    assert result["closed_won"] == Decimal(1000)
    assert result["commit"] == Decimal(1100)
    assert result["best_case"] == Decimal(1300)
    # weighted: closed 1000 + (100 + 200) x 10% = 1030
    assert result["weighted"] == Decimal("1030.00")
    by_rep = {r["group"]: r for r in forecast(Opportunity.objects.all(), period, "owner__username")}
    assert by_rep["rep_b"]["weighted"] == Decimal(100)  # 400 x 25%


def test_past_close_date_is_red(org, deals):
    Opportunity.objects.filter(pk=deals["a1"].pk).update(expected_close_date=timezone.localdate()
                                                         - datetime.timedelta(days=1))
    levels = stalled_levels(Opportunity.objects.filter(pk__in=[deals["a1"].pk, deals["a2"].pk]))
    assert levels == {deals["a1"].pk: "red"}


def test_long_stay_beyond_history_percentiles_is_flagged(org, deals):
    stage1 = Pipeline.default().stages.get(order=1)
    now = timezone.now()
    # History: 20 past stays in stage 1 of 1..20 days.
    for days in range(1, 21):
        opp = services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject=f"h{days}")
        StageChange.objects.filter(opportunity=opp).update(changed_at=now - datetime.timedelta(days=100))
        StageChange.objects.create(opportunity=opp, from_stage=stage1, to_stage=stage1, from_status="tracking",
                                   to_status="lost", changed_at=now - datetime.timedelta(days=100 - days))
    # 23 stays (20 above plus 3 near-zero ones from the fixture): p80 = 15.6 days, p95 = 18.9 days.
    Opportunity.objects.filter(pk=deals["a1"].pk).update(stage_entered_at=now - datetime.timedelta(days=17))
    Opportunity.objects.filter(pk=deals["a2"].pk).update(stage_entered_at=now - datetime.timedelta(days=30))
    from django.core.cache import cache

    cache.clear()
    levels = stalled_levels(Opportunity.objects.filter(pk__in=[deals["a1"].pk, deals["a2"].pk]))
    assert levels == {deals["a1"].pk: "yellow", deals["a2"].pk: "red"}


def test_analytics_api_and_cli_respect_permissions(org, deals, client_for):
    body = client_for(org.rep_b).get("/api/v1/analytics/funnel").json()
    assert {r["order"]: r["count"] for r in body["rows"]}[1] == 0
    assert client_for(org.rep_b).get("/api/v1/analytics/forecast?period=2026-13").status_code == 422
    out = io.StringIO()
    call_command("report", "funnel", "--json", "--user", "rep_a", stdout=out)
    assert {r["order"]: r["count"] for r in json.loads(out.getvalue())["rows"]}[1] == 2


@pytest.mark.parametrize("path", ["/analytics/funnel/", "/analytics/win-rates/", "/analytics/forecast/",
                                  "/analytics/stalled/", "/opportunities/kanban/", "/opportunities/"])
def test_analytics_pages_render_for_a_rep(org, deals, client_for, path):
    response = client_for(org.rep_a).get(path)
    assert response.status_code == 200
    main = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode().split("<main", 1)[1])
    assert "b1" not in main or path == "/analytics/win-rates/"  # (a random CSRF token may hold "b1" too)


def test_forecast_breakdown_adds_up_and_won_counts_by_local_close_day(org, deals, client_for,
                                                                     django_assert_max_num_queries):
    from salesflow.pipeline.analytics.forecast import forecast_breakdown

    period = parse_period(timezone.localdate().strftime("%Y"))
    first_moment = timezone.make_aware(datetime.datetime(period.start.year, 1, 1))
    Opportunity.objects.filter(pk=deals["a_won"].pk).update(closed_at=first_moment)  # local midnight: inside
    result = forecast_breakdown(Opportunity.objects.all(), period)
    assert result["total"]["closed_won"] == Decimal(1000)
    for key in ("closed_won", "commit", "best_case", "pipeline", "weighted"):
        assert sum(r[key] for r in result["by_team"]) == result["total"][key]
        assert sum(r[key] for r in result["by_rep"]) == result["total"][key]
    Opportunity.objects.filter(pk=deals["a_won"].pk).update(closed_at=first_moment - datetime.timedelta(seconds=1))
    assert forecast_breakdown(Opportunity.objects.all(), period)["total"]["closed_won"] == 0  # last year's
    client = client_for(org.director)
    client.get("/analytics/forecast/")
    with django_assert_max_num_queries(13):
        assert client.get(f"/analytics/forecast/?period={period.label}").status_code == 200


def test_worker_job_stores_stage_duration_thresholds(org, deals):
    from django.core.cache import cache

    from salesflow.core.worker import run_due_jobs
    from salesflow.pipeline.models import StageDurationStat

    stage1 = Pipeline.default().stages.get(order=1)
    now = timezone.now()
    for days in range(1, 13):
        opp = services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject=f"s{days}")
        StageChange.objects.filter(opportunity=opp).update(changed_at=now - datetime.timedelta(days=50))
        StageChange.objects.create(opportunity=opp, from_stage=stage1, to_stage=stage1, from_status="tracking",
                                   to_status="lost", changed_at=now - datetime.timedelta(days=50 - days))
    assert run_due_jobs(now, only="stage-durations", force=True) == {"stage-durations": "refreshed 1 pipelines"}
    stat = StageDurationStat.objects.get(stage=stage1)
    assert 0 < stat.p80_days <= stat.p95_days <= 12
    cache.clear()
    from salesflow.pipeline.analytics.stalled import thresholds

    assert thresholds(Pipeline.default())[stage1.pk] == (stat.p80_days, stat.p95_days)
