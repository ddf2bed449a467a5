"""Sales reports through the page (generate now → pending → ready → download), the API and the CLI, with who may
see what; pinned query counts of the history page and the API list."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from salesflow.core.worker import run_once
from salesflow.insights.models import SalesReport
from salesflow.insights.reports import services
from salesflow.testing.api_client import ApiClient
from salesflow.testing.queries import assert_pinned

from .reports_fixtures import october_fixture  # noqa: F401  (the fixture)


def _generate(client, captured, **fields):
    body = {"kind": "monthly", "period": "2026-10", "team": "", "lang": "zh-hans", "format": "xlsx", **fields}
    with captured(execute=True):
        response = client.post("/insights/reports/", body)
    return response


def test_a_manager_generates_his_teams_report_on_the_page_and_downloads_it(
        org, october, client_for, django_capture_on_commit_callbacks):
    client = client_for(org.manager_east)
    response = _generate(client, django_capture_on_commit_callbacks, team=org.east.pk)
    assert response.status_code == 302
    report = SalesReport.objects.get()
    assert (report.status, report.team, report.generated_by) == ("pending", org.east, org.manager_east)
    page = client.get("/insights/reports/").content.decode()
    assert 'data-status="pending"' in page and 'hx-trigger="every 3s"' in page  # the page polls until ready
    run_once(schedules=False)
    report.refresh_from_db()
    assert report.status == "ready" and report.size == len(report.content) > 0
    page = client.get("/insights/reports/").content.decode()
    assert 'data-status="ready"' in page and "every 3s" not in page
    download = client.get(f"/insights/reports/{report.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.content))
    assert book.worksheets[1]["B3"].value is not None and "East" in book.worksheets[0]["A1"].value


def test_a_manager_may_not_generate_the_companys_or_another_teams_report(org, client_for,
                                                                         django_capture_on_commit_callbacks):
    client = client_for(org.manager_east)
    assert _generate(client, django_capture_on_commit_callbacks, team="").status_code == 400  # team required
    assert _generate(client, django_capture_on_commit_callbacks, team=org.west.pk).status_code == 400  # not a choice
    assert SalesReport.objects.count() == 0


def test_the_history_shows_each_role_only_the_reports_of_its_scope(org, client_for):
    company = SalesReport.objects.create(kind="monthly", period="2026-10", content=b"x", status="ready")
    west = SalesReport.objects.create(kind="monthly", period="2026-10", team=org.west, content=b"x", status="ready")
    east1 = SalesReport.objects.create(kind="weekly", period="2026-W47", team=org.east1, content=b"x",
                                       status="ready")
    assert set(SalesReport.objects.visible_to(org.manager_east)) == {east1}
    assert set(SalesReport.objects.visible_to(org.finance)) == {company, west, east1}
    assert set(SalesReport.objects.visible_to(org.rep_a)) == set()
    assert client_for(org.manager_east).get(f"/insights/reports/{west.pk}/download/").status_code == 404
    assert client_for(org.manager_east).get(f"/insights/reports/{east1.pk}/download/").status_code == 200
    assert client_for(org.rep_a).get("/insights/reports/").status_code == 403
    assert client_for(org.director).get(f"/insights/reports/{company.pk}/download/").status_code == 200


def test_the_history_page_runs_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for _ in range(n):
            SalesReport.objects.create(kind="monthly", period="2026-10", team=org.east1, content=b"x" * 10,
                                       status="ready", generated_by=org.manager_east)
    assert_pinned(client_for(org.manager_east), "/insights/reports/", grow, 10)


def test_the_api_generates_lists_and_serves_the_file(org, october, django_capture_on_commit_callbacks):
    api = ApiClient(org.director)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/insights/reports", {"kind": "monthly", "period": "2026-10", "format": "pdf"})
    assert created.status_code == 202 and created.json()["status"] == "pending"
    run_once(schedules=False)
    listed = api.get("/api/v1/insights/reports").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "ready"
    file = api.get(f"/api/v1/insights/reports/{created.json()['id']}/file")
    assert file.status_code == 200 and file.content.startswith(b"%PDF")
    figures = api.get("/api/v1/insights/reports/figures?kind=monthly&period=2026-10").json()
    assert figures["results"][0]["actual"] == "350000.00"


def test_the_api_refuses_bad_input_naming_the_field_and_other_scopes(org):
    manager = ApiClient(org.manager_east)
    bad = manager.post("/api/v1/insights/reports", {"kind": "weekly", "period": "2026-10", "team_id": org.east.pk})
    assert bad.status_code == 422 and ApiClient.fields(bad) == {"period"}
    assert "不是" in bad.json()["errors"][0]["message"]  # Chinese, naming the period
    nul = manager.post("/api/v1/insights/reports", {"kind": "weekly", "period": "2026\x00"})
    assert nul.status_code == 422
    assert manager.post("/api/v1/insights/reports", {"kind": "monthly"}).status_code == 403  # the company
    assert manager.post("/api/v1/insights/reports",
                        {"kind": "monthly", "team_id": org.west.pk}).status_code == 403
    assert ApiClient(org.rep_a).get("/api/v1/insights/reports/figures?kind=monthly").status_code == 403
    SalesReport.objects.create(kind="monthly", period="2026-10", team=org.west, content=b"x", status="ready")
    assert manager.get("/api/v1/insights/reports").json()["count"] == 0


def test_the_api_list_runs_a_fixed_number_of_queries(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = ApiClient(org.manager_east)
    counts = []
    for n in (2, 18):
        for _ in range(n):
            SalesReport.objects.create(kind="monthly", period="2026-10", team=org.east1, content=b"x",
                                       status="ready")
        api.get("/api/v1/insights/reports")
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/insights/reports").status_code == 200
        counts.append(len(captured))
    assert counts == [counts[0], counts[0]] and counts[0] <= 6


def test_the_cli_writes_the_file_and_prints_its_path(org, october, tmp_path):
    out = tmp_path / "east.pdf"
    printed = io.StringIO()
    call_command("report", "generate", "monthly", "--period", "2026-10", "--team", "East", "--format", "pdf",
                 "--lang", "en", "--out", str(out), stdout=printed)
    assert printed.getvalue().strip() == str(out) and out.read_bytes().startswith(b"%PDF")
    assert SalesReport.objects.get().status == "ready"  # kept in the history too
    with pytest.raises(CommandError, match="您无权查看该范围的报表"):
        call_command("report", "generate", "monthly", "--user", "rep_a", "--team", "East-1", "--out",
                     str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="--period"):
        call_command("report", "generate", "weekly", "--period", "2026-10", "--out", str(tmp_path / "y.xlsx"))


def test_a_report_that_fails_is_kept_failed_with_its_error(org):
    report = SalesReport.objects.create(kind="monthly", period="2026-10", team=org.west,
                                        generated_by=org.manager_east)  # a scope he may not have (any more)
    assert services.generate_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.error and report.content is None
