"""Leaderboards: ranking per KPI, period and scope (company, a team's subtree, team vs team), rank change versus the
previous period, the viewer's own row; the home tile; API, export and CLI; a rep never reaches others' records."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from salesflow.core.periods import parse_period
from salesflow.core.registry import tiles_for
from salesflow.performance.kpis import selectors
from salesflow.performance.models import Kpi
from salesflow.testing.api_client import ApiClient

from .kpi_factories import make_agreement

pytestmark = pytest.mark.django_db


def signed(owner, amount, day):
    make_agreement(owner, amount=amount, signed_on=day)


@pytest.fixture
def march_and_april(org):
    signed(org.rep_a, "100.00", datetime.date(2026, 3, 5))
    signed(org.rep_a2, "300.00", datetime.date(2026, 3, 5))
    signed(org.rep_b, "200.00", datetime.date(2026, 3, 5))
    signed(org.rep_a, "900.00", datetime.date(2026, 4, 5))
    signed(org.rep_a2, "100.00", datetime.date(2026, 4, 5))
    signed(org.rep_b, "100.00", datetime.date(2026, 4, 5))
    return org


def test_company_board_ranks_by_value_with_change_versus_last_period(march_and_april):
    org = march_and_april
    board = selectors.leaderboard(Kpi.objects.get(key="signed_amount"), parse_period("2026-04"), "company", org.rep_a)
    ranked = [(r["name"], r["rank"], r["previous_rank"], r["change"]) for r in board["rows"]]
    assert ranked == [("rep_a", 1, 3, 2), ("rep_a2", 2, 1, -1), ("rep_b", 2, 2, 0)]
    assert board["me"]["rank"] == 1 and board["me"]["me"] and board["ranked"] == 3


def test_a_newcomer_is_marked_new_and_people_without_data_are_not_ranked(org):
    signed(org.rep_a, "100.00", datetime.date(2026, 4, 5))
    board = selectors.leaderboard(Kpi.objects.get(key="signed_amount"), parse_period("2026-04"), "company")
    rows = {r["name"]: r for r in board["rows"]}
    assert rows["rep_a"]["new"] and rows["rep_a"]["rank"] == 1
    assert rows["rep_b"]["rank"] is None and rows["rep_b"]["value"] is None and board["ranked"] == 1


def test_lower_is_better_ranks_the_shortest_cycle_first(org):
    from .kpi_factories import make_closed

    make_closed(org.rep_a, opened=datetime.date(2026, 3, 1), closed=datetime.date(2026, 4, 10))
    make_closed(org.rep_b, opened=datetime.date(2026, 4, 1), closed=datetime.date(2026, 4, 6))
    board = selectors.leaderboard(Kpi.objects.get(key="sales_cycle"), parse_period("2026-04"), "company")
    assert [(r["name"], r["value"]) for r in board["rows"][:2]] == [("rep_b", Decimal("5.00")),
                                                                   ("rep_a", Decimal("40.00"))]


def test_team_scope_and_team_vs_team(march_and_april):
    org = march_and_april
    kpi = Kpi.objects.get(key="signed_amount")
    east = selectors.leaderboard(kpi, parse_period("2026-Q2"), f"team:{org.east.pk}")
    assert [r["name"] for r in east["rows"]] == ["rep_a", "rep_a2"]
    teams = selectors.leaderboard(kpi, parse_period("2026-04"), "teams", org.rep_b)
    assert [(r["name"], r["value"], r["rank"], r["change"]) for r in teams["rows"]] == [
        ("East-1", Decimal("1000.00"), 1, 0), ("West", Decimal("100.00"), 2, 0)]
    assert teams["me"]["name"] == "West"


def test_the_rep_page_highlights_their_row_and_says_names_are_shown_but_records_are_not(march_and_april, client_for):
    client = client_for(march_and_april.rep_b)
    page = client.get(reverse("performance:kpi-leaderboard"), {"period": "2026-04"}).content.decode()
    assert 'data-testid="my-row"' in page and "第 2 名，共 3 名" in page and "只有本人及其上级可见" in page
    drill = reverse("performance:kpi-drill", args=["signed_amount"])
    assert client.get(drill, {"period": "2026-04", "user": march_and_april.rep_a.pk}).status_code == 404


def test_the_home_tile_says_my_rank_n_of_m(org, django_capture_on_commit_callbacks):
    from django.utils import timezone

    signed(org.rep_a, "100.00", timezone.localdate())
    tile = next(t for t in tiles_for(org.rep_a) if t.name == "my-rank")
    assert (str(tile.label), tile.value) == ("我的排名", "第 1 / 1")
    assert not [t for t in tiles_for(org.manager_east) if t.name == "my-rank"]


def test_leaderboard_export_api_and_cli_give_the_same_ranks(march_and_april, client_for):
    org = march_and_april
    export = client_for(org.rep_a).get(reverse("performance:kpi-leaderboard"),
                                       {"period": "2026-04", "format": "xlsx"})
    sheet = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[5]) for r in sheet] == [(1, "rep_a", 2), (2, "rep_a2", -1), (2, "rep_b", 0)]
    body = ApiClient(org.rep_a).get("/api/v1/performance/kpis/leaderboard/?period=2026-04&kpi=signed_amount").json()
    assert [(r["rank"], r["name"], r["me"]) for r in body["rows"]] == [(1, "rep_a", True), (2, "rep_a2", False),
                                                                       (2, "rep_b", False)]
    out = io.StringIO()
    call_command("report", "leaderboard", "--json", "--user", "rep_b", "--period", "2026-04", "--kpi",
                 "signed_amount", stdout=out)
    result = json.loads(out.getvalue())
    assert result["me"] == {"rank": 2, "value": "100.00"} and len(result["rows"]) == 3


def test_the_api_refuses_an_unknown_kpi_naming_the_field(org):
    response = ApiClient(org.rep_a).get("/api/v1/performance/kpis/leaderboard/?kpi=nope")
    assert response.status_code == 422 and ApiClient.fields(response) == {"kpi"}


def test_the_kpi_list_api_lists_the_library(org):
    body = ApiClient(org.rep_a).get("/api/v1/performance/kpis/").json()
    assert {k["key"] for k in body} >= {"signed_amount", "win_rate", "training_hours", "key_account_growth"}


def _cli_board(*args):
    out = io.StringIO()
    call_command("report", "leaderboard", "--json", "--period", "2026-04", "--kpi", "signed_amount", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("scope", ["company", "teams", "team:East-1"])
def test_leaderboard_cli_scope_equals_the_api_for_each_scope(march_and_april, scope):
    org = march_and_april
    api_scope = f"team:{org.east1.pk}" if scope == "team:East-1" else scope
    body = ApiClient(org.director).get(
        f"/api/v1/performance/kpis/leaderboard/?period=2026-04&kpi=signed_amount&scope={api_scope}").json()
    result = _cli_board("--user", "director", "--scope", scope)
    assert result["scope"] == body["scope"] == api_scope
    assert result["rows"] == json.loads(json.dumps(body["rows"])) and result["ranked"] == body["ranked"]
    names = [r["name"] for r in result["rows"]]
    assert {"teams": ["East-1", "West"], "team:East-1": ["rep_a", "rep_a2"]}.get(scope, names) == names


def test_leaderboard_cli_team_scope_takes_the_team_id_too_and_refuses_an_unknown_or_ambiguous_team(
        march_and_april):
    from salesflow.testing import factories

    org = march_and_april
    assert [r["name"] for r in _cli_board("--scope", f"team:{org.west.pk}")["rows"]] == ["rep_b"]
    with pytest.raises(CommandError, match="unknown team"):
        _cli_board("--scope", "team:NOPE")
    with pytest.raises(CommandError, match="scope 'world'"):
        _cli_board("--scope", "world")
    factories.make_team("West", parent=org.east)
    with pytest.raises(CommandError, match="ambiguous"):
        _cli_board("--scope", "team:West")


def test_a_reps_user_flag_marks_only_his_own_row_and_team(march_and_april):
    mine = _cli_board("--user", "rep_b", "--scope", "teams")
    assert [r["name"] for r in mine["rows"] if r["me"]] == ["West"] and mine["me"]["rank"] == 2
    as_rep = _cli_board("--user", "rep_b", "--scope", "company")
    assert [r["name"] for r in as_rep["rows"] if r["me"]] == ["rep_b"]
    assert set(as_rep["rows"][0]) == {"rank", "name", "value", "previous_rank", "change", "new", "me"}
    assert _cli_board("--scope", "company")["me"] is None
