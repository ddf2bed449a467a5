"""Role dashboards on generated data: each role gets its panels; every figure that clicks through to records equals the
count and sum of the records page and of the API; page, API and CLI show the same numbers; bad input is a 400 naming
the field; a rep's figures are their own; a month that has not begun has no figure.

Generated once for the module inside a transaction rolled back at the end (see salesflow/testing/generated.py)."""

import datetime
import io
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables.selectors import NOT_SIGNED
from salesflow.core.periods import period_of
from salesflow.insights.dashboards import drills
from salesflow.insights.dashboards.panels import dashboard
from salesflow.insights.dashboards.scope import Scope
from salesflow.org.models import Region, Team, User
from salesflow.testing.api_client import ApiClient
from salesflow.testing.generated import generated_data

ROLES = {"rep": "rep", "manager": "manager", "director": "director", "finance": "finance", "admin": "director"}
PANELS = {
    "rep": ["target", "period", "funnel", "today", "stalled", "ageing", "trend-signed"],
    "manager": ["team-targets", "period", "funnel", "forecast", "conversion", "activity", "leaderboard", "ageing",
                "alerts"],
    "director": ["period", "by-team", "by-region", "trend-signed", "product-mix", "division-forecast", "alerts"],
    "finance": ["collections", "invoices", "ageing", "trend-collected"],
}


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with generated_data(django_db_blocker, scale=400):
        yield


@pytest.fixture
def users(generated, db):
    return {name: User.objects.get(username=name) for name in ROLES}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record_links(board: dict):
    """Every (value, count, url) on the dashboard that clicks through to a records page: figures, items, chart
    points."""
    for panel in board["panels"]:
        for fig in panel["figures"]:
            if "/insights/records/" in (fig["url"] or ""):
                yield Decimal(fig["value"]), fig["count"], fig["url"]
        for item in panel["items"]:
            if "/insights/records/" in (item.get("url") or ""):
                yield Decimal(item["value"]), item.get("count"), item["url"]
        chart = panel["chart"] or {}
        for series in chart.get("series", []):
            for value, link in zip(series["y"], series.get("links") or [], strict=False):
                if value is not None and "/insights/records/" in link:
                    yield Decimal(str(value)).quantize(Decimal("0.01")), None, link


def page_figures(client, url) -> tuple[int, Decimal]:
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    count = int(re.search(r'data-testid="records-count">([\d,]+)<', html).group(1).replace(",", ""))
    total = re.search(r'data-testid="records-sum">(-?)¥([\d,.]+)<', html)
    return count, Decimal(total.group(1) + total.group(2).replace(",", ""))


@pytest.mark.parametrize(("username", "role"), ROLES.items())
def test_each_role_gets_its_dashboard(users, username, role):
    page = logged_in(users[username]).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-testid="dashboard-{role}"' in html
    assert re.findall(r'data-testid="panel-([\w-]+)"', html) == PANELS[role]


@pytest.mark.parametrize("username", ["rep", "manager", "director", "finance"])
def test_every_figure_equals_its_records_page_and_api(users, username):
    user = users[username]
    board = dashboard(Scope(user, period_of("quarter", timezone.localdate())))
    client, api = logged_in(user), ApiClient(user)
    links = list(record_links(board))
    assert len(links) >= 3, "the dashboard should have figures that click through"
    checked_nonzero = 0
    for value, count, url in links:
        page_count, page_sum = page_figures(client, url)
        assert page_sum == value, url
        if count is not None:
            assert page_count == count, url
        parsed = urlparse(url)
        key = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        answer = api.get(f"/api/v1/insights/records/{key}?{parsed.query}")
        assert answer.status_code == 200, answer.content
        assert (answer.json()["count"], Decimal(answer.json()["value"])) == (page_count, page_sum)
        checked_nonzero += value != 0
    assert checked_nonzero >= 2, "generated data should put money behind some figures"


@pytest.mark.parametrize("username", ["rep", "director"])
def test_api_and_cli_show_what_the_page_shows(users, username):
    user = users[username]
    expected = json.loads(json.dumps(dashboard(Scope(user, period_of("quarter", timezone.localdate()))),
                                     cls=DjangoJSONEncoder))
    answer = ApiClient(user).get("/api/v1/insights/dashboard")
    assert answer.status_code == 200
    assert answer.json() == expected
    out = io.StringIO()
    call_command("report", "dashboard", "--json", "--user", username, stdout=out)
    assert json.loads(out.getvalue()) == expected


def test_a_reps_figures_are_their_own_records(users):
    rep = users["rep"]
    quarter = period_of("quarter", timezone.localdate())
    board = dashboard(Scope(rep, quarter))
    signed = next(f for p in board["panels"] if p["key"] == "period" for f in p["figures"] if "/signed/" in f["url"])
    own = Agreement.objects.exclude(status__in=NOT_SIGNED).filter(
        owner=rep, signed_on__range=(quarter.start, quarter.end)).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    assert Decimal(signed["value"]) == own
    # Another team's records are not reachable by narrowing the link: the rep's scope stays the rep's.
    other = next(t for t in Team.objects.all() if not rep.team.path.startswith(t.path)
                 and not t.path.startswith(rep.team.path))  # neither the rep's team, above it nor below it
    answer = ApiClient(rep).get(f"/api/v1/insights/records/signed?by_team={other.pk}")
    assert answer.json()["count"] == 0


def test_a_team_outside_the_managers_scope_is_refused(users):
    manager = users["manager"]
    foreign = Team.objects.exclude(pk__in=manager.team.subtree()).exclude(parent__isnull=True).first()
    answer = ApiClient(manager).get(f"/api/v1/insights/dashboard?team={foreign.pk}")
    assert answer.status_code == 422  # the API's answer to a field in error (salesflow/api.py)
    assert ApiClient.fields(answer) == {"team"}


def test_bad_input_is_refused_naming_the_field_in_the_users_language(users):
    director = users["director"]
    answer = ApiClient(director).get("/api/v1/insights/dashboard?period=2026-Q9")
    assert answer.status_code == 422 and ApiClient.fields(answer) == {"period"}
    page = logged_in(director).get("/insights/records/signed/?period=2026-Q9&first=2026-13-01")
    assert page.status_code == 400
    assert "期间格式不正确" in page.content.decode()
    assert logged_in(director).get("/insights/records/nothing/").status_code == 404


def test_the_region_filter_narrows_the_money_figures(users):
    director = users["director"]
    year = period_of("year", timezone.localdate())
    region = Region.objects.filter(parent__isnull=False).order_by("pk").first()
    board = dashboard(Scope(director, year, region=region))
    signed = next(f for p in board["panels"] if p["key"] == "period" for f in p["figures"] if "/signed/" in f["url"])
    in_region = Agreement.objects.exclude(status__in=NOT_SIGNED).filter(
        region__path__startswith=region.path, signed_on__range=(year.start, year.end)).aggregate(
        s=Sum("amount"))["s"] or Decimal(0)
    assert Decimal(signed["value"]) == in_region
    assert "region" in parse_qs(urlparse(signed["url"]).query)
    # The panels that cannot apply a region say so.
    assert "region" in next(p for p in board["panels"] if p["key"] == "division-forecast")["unfiltered"]


def test_a_month_that_has_not_begun_has_no_figure(users):
    director = users["director"]
    today = timezone.localdate()
    board = dashboard(Scope(director, period_of("year", today), today=datetime.date(today.year, 6, 15)))
    trend = next(p for p in board["panels"] if p["key"] == "trend-signed")["chart"]["series"]
    assert trend[0]["y"][6:] == [None] * 6  # July to December of this year
    assert None not in trend[1]["y"]  # last year is complete


def test_the_division_comparison_uses_the_first_level_with_several_teams(users):
    divisions = drills.divisions(Team)
    assert len(divisions) > 1
    assert len({d.parent_id for d in divisions}) == 1


def test_whole_month_figures_are_summed_from_the_money_rollup_and_equal_the_records(users):
    from django.db import transaction

    from salesflow.contracts.models import MonthlyMoney
    from salesflow.pipeline.models import Opportunity, WonMonthly

    director, today = users["director"], timezone.localdate()
    quarter, week = Scope(director, period_of("quarter", today)), Scope(director, period_of("week", today))
    for key in ("signed", "product_lines", "collected", "due", "invoiced"):
        drill = drills.get(key)
        assert drills.tally(drill, quarter).model is MonthlyMoney
        assert drills.tally(drill, quarter, today, today).model is not MonthlyMoney  # not whole months: the records
        assert drills.total(drill, drills.tally(drill, quarter)) == drills.total(drill, drills.rows(drill, quarter))
    assert drills.tally(drills.get("signed"), week).model is Agreement
    won = drills.get("won")  # won deals per month by owner and team (pipeline.WonMonthly), not by region
    assert drills.tally(won, quarter, regional=False).model is WonMonthly
    assert drills.tally(won, quarter).model is Opportunity  # a caller that groups by region reads the deals
    assert drills.tally(won, week, regional=False).model is Opportunity
    assert drills.total(won, drills.tally(won, quarter, regional=False)) == drills.total(won, drills.rows(won, quarter))
    assert drills.total(won, drills.tally(won, quarter, regional=False))["count"] > 0
    signed = drills.get("signed")
    assert drills.total(signed, drills.tally(signed, quarter))["value"] > 0
    with transaction.atomic():  # what is read is the roll-up: damage it and the figure follows
        MonthlyMoney.objects.filter(measure="signed").update(value=0)
        assert drills.total(signed, drills.tally(signed, quarter))["value"] == 0
        transaction.set_rollback(True)


def test_the_division_forecast_equals_each_divisions_own_forecast_and_target(users):
    from salesflow.performance.targets.completion import completion_tree
    from salesflow.pipeline.analytics.forecast import forecast
    from salesflow.pipeline.models import Opportunity

    director = users["director"]
    scope = Scope(director, period_of("quarter", timezone.localdate()))
    items = next(p for p in dashboard(scope)["panels"] if p["key"] == "division-forecast")["items"]
    staffed = [d for d in drills.divisions(Team) if scope.tree.people(f"team:{d.pk}")]
    assert [i["label"] for i in items] == [d.name for d in staffed]  # a division nobody is in is left out
    for item, division in zip(items, staffed, strict=True):
        people = scope.tree.people(f"team:{division.pk}")
        expected = forecast(Opportunity.objects.filter(owner__in=people), scope.period)["weighted"]
        tree = completion_tree(director, "signed_amount", scope.period, node=f"team:{division.pk}", only_top=True)
        assert (item["value"], item["target"]) == (expected, tree.rows[0].target if tree.plan else None)
    assert any(i["value"] for i in items) and any(i["target"] for i in items)


@pytest.mark.parametrize("username", ["rep", "manager"])
def test_each_funnel_stage_clicks_through_to_its_open_deals(users, username):
    user = users[username]
    funnel = next(p for p in dashboard(Scope(user, period_of("quarter", timezone.localdate())))["panels"]
                  if p["key"] == "funnel")
    client = logged_in(user)
    assert sum(item["count"] for item in funnel["items"]) > 0
    for item in funnel["items"]:
        html = client.get(item["url"]).content.decode()
        shown = re.search(r'<p class="muted">\D{0,4}(\d+)', html)  # 共 N 个商机
        assert int(shown.group(1)) == item["count"], item["url"]
