"""The activity statistics page, its export, the API and ``salesflow report activities``: the same figures as the
selector, only the caller's people, finance refused, and a fixed number of queries however many reps."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from salesflow.activities.models import Activity
from salesflow.activities.stats.columns import COLUMNS
from salesflow.activities.stats.selectors import activity_stats
from salesflow.activities.tests.factories import make_activity, make_plan
from salesflow.org.models import Role
from salesflow.testing.factories import make_customer, make_user
from salesflow.testing.queries import assert_pinned

COLUMN_LABELS = dict(COLUMNS)
START, END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
PAGE = "/activities/statistics/"
API = "/api/v1/activities/statistics/"


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def october(org):
    """rep_a: 3 follow-ups (2 calls, 1 visit) and 2 plans in October, one call in November; rep_b: 1 meeting."""
    mine = make_customer(org.rep_a, customer_class="A")
    make_activity(org.rep_a, mine, kind="call", at=at(datetime.date(2026, 10, 2)))
    make_activity(org.rep_a, mine, kind="call", at=at(datetime.date(2026, 10, 9)))
    make_activity(org.rep_a, mine, kind="visit", at=at(datetime.date(2026, 10, 16)))
    make_activity(org.rep_a, mine, kind="call", at=at(datetime.date(2026, 11, 2)))
    make_plan(org.rep_a, mine, on=datetime.date(2026, 10, 16))
    make_plan(org.rep_a, mine, on=datetime.date(2026, 10, 20))
    make_activity(org.rep_b, make_customer(org.rep_b), kind="meeting", at=at(datetime.date(2026, 10, 5)))
    return mine


def page_rows(client, query="period=2026-10"):
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    return response.content.decode()


# --- the page ------------------------------------------------------------------------------------------------------

def test_manager_page_shows_their_team_and_a_total_row(org, october, client_for):
    html = page_rows(client_for(org.manager_east))
    assert "rep_a" in html and "rep_a2" in html and "rep_b" not in html
    assert 'data-testid="stats-total-row"' in html and 'data-testid="stats-chart"' in html
    assert "vendor/plotly" in html and 'id="stats-data"' in html
    assert "2026-10-01 – 2026-10-31" in html


def test_rep_page_shows_only_their_own_row_and_no_rep_picker(org, october, client_for):
    html = page_rows(client_for(org.rep_a))
    assert html.count('data-testid="stats-row"') == 1
    assert 'name="owner"' not in html
    assert "rep_b" not in html


def test_finance_may_not_open_the_page_nor_see_the_menu_entry(org, client_for):
    client = client_for(org.finance)
    assert client.get(PAGE).status_code == 403
    assert PAGE not in client.get("/").content.decode()
    for user in (org.rep_a, org.manager_east, org.director, org.admin):
        assert PAGE in client_for(user).get("/").content.decode(), user.username


def test_custom_range_replaces_the_period_and_a_half_range_names_its_field(org, october, client_for):
    client = client_for(org.rep_a)
    html = page_rows(client, "period=2026-10&start=2026-10-01&end=2026-10-05&by=owner")
    assert "2026-10-01 – 2026-10-05" in html
    html = page_rows(client, "period=2026-10&start=2026-10-01")
    assert re.search(r'name="end"[^>]*></label><small class="error">', html)


def test_by_team_rows_are_teams(org, october, client_for):
    html = page_rows(client_for(org.director), "period=2026-10&by=team")
    assert "East-1" in html and "West" in html


def test_export_csv_reads_back_as_the_selectors_figures(org, october, client_for):
    response = client_for(org.manager_east).get(f"{PAGE}?period=2026-10&export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body, total = table[0], table[1:-1], table[-1]
    expected = {r["label"]: r for r in activity_stats(org.manager_east, start=START, end=END)}
    assert {row[0] for row in body} == set(expected)
    calls = header.index(str(Activity.Kind.CALL.label))
    rep_a = next(row for row in body if row[0] == "rep_a")
    assert int(rep_a[calls]) == expected["rep_a"]["followups_call"] == 2
    assert total[0] in ("Total", "合计") and int(total[calls]) == 2


def test_export_xlsx_reads_back_with_the_total_row(org, october, client_for):
    response = client_for(org.rep_a).get(f"{PAGE}?period=2026-10&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, mine, total = values
    assert mine[0] == "rep_a"
    visits_done = header.index(str(COLUMN_LABELS["visits_done"]))
    assert mine[visits_done] == 1 and total[visits_done] == 1


# --- the API -------------------------------------------------------------------------------------------------------

def test_api_returns_the_rows_the_caller_may_see(org, october, client_for):
    body = client_for(org.manager_east).get(f"{API}?start=2026-10-01&end=2026-10-31").json()
    rows = {r["label"]: r for r in body["rows"]}
    assert set(rows) == {"manager_east", "rep_a", "rep_a2"}
    assert rows["rep_a"]["followups_total"] == 3 and rows["rep_a"]["visits_planned"] == 2
    assert body["totals"]["followups_total"] == 3
    assert body["start"] == "2026-10-01" and body["end"] == "2026-10-31"


def test_api_owner_and_team_grouping(org, october, client_for):
    client = client_for(org.director)
    body = client.get(f"{API}?period=2026-10&owner={org.rep_b.pk}").json()
    assert [r["label"] for r in body["rows"]] == ["rep_b"]
    teams = {r["label"]: r for r in client.get(f"{API}?period=2026-10&by=team").json()["rows"]}
    assert teams["East-1"]["followups_total"] == 3 and teams["West"]["followups_meeting"] == 1


def test_api_errors_name_their_field_and_finance_is_refused(org, client_for):
    client = client_for(org.rep_a)
    answer = client.get(f"{API}?start=2026-10-01")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "end"
    answer = client.get(f"{API}?period=2026-13")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "period"
    assert client.get(f"{API}?by=region").status_code == 422
    for query, field in (("period=1999-Q4", "period"), ("period=0001", "period"), ("period=9999-12", "period"),
                         ("start=1999-12-31&end=2000-01-05", "start"), ("start=2026-10-02&end=2026-10-01", "end"),
                         ("start=2026-01-01&end=2027-01-02", "end")):
        answer = client.get(f"{API}?{query}")
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, query
    assert client_for(org.finance).get(API).status_code == 403


def test_rep_asking_for_another_reps_figures_gets_no_row(org, october, client_for):
    body = client_for(org.rep_a).get(f"{API}?period=2026-10&owner={org.rep_b.pk}").json()
    assert body["rows"] == []


# --- the CLI -------------------------------------------------------------------------------------------------------

def report(*args) -> str:
    out = io.StringIO()
    call_command("report", "activities", *args, stdout=out)
    return out.getvalue()


def test_report_json_parses_back_to_the_selectors_figures(org, october):
    body = json.loads(report("--json", "--period", "2026-10"))
    expected = {r["owner_id"]: r for r in activity_stats(None, start=START, end=END)}
    assert {r["owner_id"]: r for r in body["rows"]} == expected
    assert body["period"] == "2026-10" and body["start"] == "2026-10-01" and body["user"] == ""
    assert body["totals"]["followups_total"] == Activity.objects.filter(
        occurred_at__gte=at(START, 0), occurred_at__lt=at(datetime.date(2026, 11, 1), 0)).count() == 4


def test_report_as_a_user_sees_what_they_see_and_takes_week_quarter_and_year(org, october):
    body = json.loads(report("--json", "--user", "rep_a", "--period", "2026-Q4"))
    assert [r["label"] for r in body["rows"]] == ["rep_a"]
    assert body["rows"][0]["followups_total"] == 4  # November's call is in the quarter
    week = json.loads(report("--json", "--period", "2026-W41", "--by", "team"))  # 5–11 October
    assert (week["start"], week["end"]) == ("2026-10-05", "2026-10-11")
    assert {r["label"]: r["followups_total"] for r in week["rows"]}["East-1"] == 1
    assert json.loads(report("--json", "--period", "2026"))["totals"]["followups_total"] == 5
    assert json.loads(report("--json", "--user", "finance"))["rows"] == []


def test_report_prints_a_plain_table_and_refuses_a_bad_period(org, october):
    text = report("--period", "2026-10")
    assert text.splitlines()[0].split()[:2] == ["owner_id", "label"]
    assert "rep_a" in text
    with pytest.raises(CommandError):
        report("--period", "2026-13")
    with pytest.raises(CommandError):
        report("--by", "region")


# --- query counts ---------------------------------------------------------------------------------------------------

def more_reps(org):
    def grow(n):
        for _ in range(n):
            rep = make_user(role=Role.REP, team=org.east1)
            customer = make_customer(rep, customer_class="A")
            make_activity(rep, customer, at=at(datetime.date(2026, 10, 3)))
            make_activity(rep, customer, kind="visit", at=at(datetime.date(2026, 10, 8)))
            make_plan(rep, customer, on=datetime.date(2026, 10, 8))
    return grow


@pytest.mark.parametrize(("path", "expected"), [
    (f"{PAGE}?period=2026-10", 13),  # session, user, 9 of the selector, the rep picker, the bell
    (f"{PAGE}?period=2026-10&by=team", 13),
    (f"{PAGE}?period=2026-10&export=csv", 12),
    (f"{API}?period=2026-10", 11),
])
def test_query_count_does_not_grow_with_the_reps(org, client_for, path, expected):
    assert_pinned(client_for(org.manager_east), path, more_reps(org), expected)
