"""Work report pages and API: the flow, permissions on every route, export, settings."""

import datetime
import json

import pytest
from django.utils import timezone

from salesflow.activities.models import ReportSettings, WorkReport
from salesflow.activities.reports import services
from salesflow.activities.tests.factories import make_activity
from salesflow.core.models import Notification
from salesflow.testing.factories import make_customer


def submitted(owner, day=None, kind="daily"):
    report = services.open_report(actor=owner, kind=kind, day=day or timezone.localdate())
    report = services.save_report(report, actor=owner, data={"summary": "拜访两家客户"}, version=report.version)
    return services.submit_report(report, actor=owner, version=report.version)


def test_today_opens_the_daily_report_with_live_figures_and_kind_labels(org, client_for):
    make_activity(org.rep_a, make_customer(org.rep_a), kind="visit")
    client = client_for(org.rep_a)
    response = client.get("/activities/reports/today/")
    report = WorkReport.objects.get(owner=org.rep_a)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "今日总结" in page and "明日计划" in page and "需要的支持" in page
    assert 'data-testid="figure-visits_done"' in page
    assert '<span class="tile-value">1</span><span class="tile-label">完成拜访' in page


def test_weekly_and_monthly_reports_label_their_text_for_their_period(org, client_for):
    client = client_for(org.rep_a)
    weekly = client.post("/activities/reports/open/", {"kind": "weekly", "day": "2026-11-18"})
    page = client.get(weekly["Location"]).content.decode()
    assert "本周总结" in page and "下周计划" in page
    monthly = client.post("/activities/reports/open/", {"kind": "monthly", "day": "2026-11-18"})
    page = client.get(monthly["Location"]).content.decode()
    assert "本月总结" in page and "下月工作要点" in page


def test_rep_saves_submits_and_the_manager_comments_and_reviews_on_the_pages(org, client_for):
    rep = client_for(org.rep_a)
    report = services.open_report(actor=org.rep_a, kind="daily", day=timezone.localdate())
    response = rep.post(report.get_absolute_url(), {"summary": "拜访客户", "problems": "", "help_needed": "",
                                                    "plan": "回访", "version": report.version, "action": "submit"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.summary, report.plan) == ("submitted", "拜访客户", "回访")
    manager = client_for(org.manager_east)
    page = manager.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="mark-reviewed"' in page and 'data-testid="report-form"' not in page
    manager.post(f"/activities/reports/{report.pk}/comment/", {"text": "不错，继续跟进"})
    manager.post(f"/activities/reports/{report.pk}/review/")
    report.refresh_from_db()
    assert report.status == "reviewed"
    page = rep.get(report.get_absolute_url()).content.decode()
    assert "不错，继续跟进" in page and "已审阅" in page


def test_a_stale_save_shows_the_conflict_and_keeps_the_text(org, client_for):
    report = services.open_report(actor=org.rep_a, kind="daily", day=timezone.localdate())
    services.save_report(report, actor=org.rep_a, data={"summary": "另一个窗口"}, version=report.version)
    response = client_for(org.rep_a).post(report.get_absolute_url(), {"summary": "这个窗口", "version": 1,
                                                                       "action": "save"})
    assert response.status_code == 400
    assert "这个窗口" in response.content.decode()
    assert WorkReport.objects.get(pk=report.pk).summary == "另一个窗口"


def test_rep_cannot_read_another_reps_report_and_manager_sees_only_the_subtree(org, client_for):
    report = submitted(org.rep_a)
    west = submitted(org.rep_b)
    assert client_for(org.rep_a2).get(report.get_absolute_url()).status_code == 404
    assert client_for(org.manager_west).get(report.get_absolute_url()).status_code == 404
    assert client_for(org.manager_east).get(report.get_absolute_url()).status_code == 200
    assert client_for(org.manager_east).get(west.get_absolute_url()).status_code == 404
    assert client_for(org.director).get(west.get_absolute_url()).status_code == 200
    for path in (f"/activities/reports/{report.pk}/comment/", f"/activities/reports/{report.pk}/review/",
                 f"/activities/reports/{report.pk}/delete/"):
        assert client_for(org.rep_b).post(path, {"text": "x"}).status_code == 404
    listed = client_for(org.manager_east).get("/activities/reports/").content.decode()
    assert report.get_absolute_url() in listed and west.get_absolute_url() not in listed


def test_finance_sees_no_work_reports(org, client_for):
    report = submitted(org.rep_a)
    client = client_for(org.finance)
    assert client.get(report.get_absolute_url()).status_code == 404
    for path in ("/activities/reports/", "/activities/reports/today/", "/activities/reports/team/"):
        assert client.get(path).status_code == 403
    assert client.get("/api/v1/activities/reports/").status_code == 403
    assert client.get(f"/api/v1/activities/reports/{report.pk}").status_code == 403
    assert "/activities/reports/" not in client.get("/").content.decode()


def test_rep_cannot_review_own_report_on_the_page(org, client_for):
    report = submitted(org.rep_a)
    client = client_for(org.rep_a)
    assert 'data-testid="mark-reviewed"' not in client.get(report.get_absolute_url()).content.decode()
    client.post(f"/activities/reports/{report.pk}/review/")
    assert WorkReport.objects.get(pk=report.pk).status == "submitted"


def test_deleting_a_submitted_report_on_the_page_is_refused_with_a_message(org, client_for):
    report = submitted(org.rep_a)
    response = client_for(org.rep_a).post(f"/activities/reports/{report.pk}/delete/", follow=True)
    assert WorkReport.objects.filter(pk=report.pk).exists()
    assert "已提交的报告不能删除" in response.content.decode()


def test_manager_list_shows_who_has_not_submitted_for_the_chosen_period(org, client_for):
    day = datetime.date(2026, 11, 18)
    submitted(org.rep_a, day)
    page = client_for(org.manager_east).get("/activities/reports/", {"missing_kind": "daily", "day": "2026-11-18"})
    section = page.content.decode().split('data-testid="missing-reports"')[1].split("</section>")[0]
    assert str(org.rep_a2) in section and str(org.rep_a) + " ·" not in section
    assert str(org.rep_b) not in section


def test_team_summary_shows_the_teams_figures_and_a_row_per_person(org, client_for):
    make_activity(org.rep_a, make_customer(org.rep_a), kind="visit")
    make_activity(org.rep_a2, make_customer(org.rep_a2), kind="visit")
    make_activity(org.rep_b, make_customer(org.rep_b), kind="visit")
    page = client_for(org.manager_east).get("/activities/reports/team/").content.decode()
    assert '<span class="tile-value">2</span><span class="tile-label">完成拜访' in page
    rows = page.split('data-testid="team-rows"')[1]
    assert "rep_a2" in rows and "rep_b" not in rows
    assert client_for(org.rep_a).get("/activities/reports/team/").status_code == 403


def test_export_lists_the_visible_reports_with_frozen_figures(org, client_for):
    submitted(org.rep_a)
    submitted(org.rep_b)
    response = client_for(org.manager_east).get("/activities/reports/", {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "拜访两家客户" in lines[1] and "rep_b" not in text
    assert response["Content-Type"].startswith("text/csv")
    assert client_for(org.manager_east).get("/activities/reports/", {"export": "xlsx"}).status_code == 200


def test_admin_sets_the_deadlines_and_others_may_not(org, client_for):
    assert client_for(org.manager_east).get("/activities/reports/settings/").status_code == 403
    client = client_for(org.admin)
    assert "报告设置" in client.get("/activities/reports/settings/").content.decode()
    response = client.post("/activities/reports/settings/", {
        "daily_due_time": "21:00", "weekly_due_weekday": 6, "weekly_due_time": "12:00", "monthly_due_day": 31,
        "monthly_due_time": "10:00"})
    assert response.status_code == 400 and "1" in response.content.decode()
    draft = services.open_report(actor=org.rep_a, kind="daily", day=datetime.date(2026, 11, 20))
    submitted = services.open_report(actor=org.rep_a, kind="daily", day=datetime.date(2026, 11, 19))
    WorkReport.objects.filter(pk=submitted.pk).update(status="submitted", submitted_at=submitted.due_at)
    client.post("/activities/reports/settings/", {
        "daily_due_time": "21:00", "weekly_due_weekday": 6, "weekly_due_time": "12:00", "monthly_due_day": 2,
        "monthly_due_time": "10:00"})
    assert ReportSettings.current().daily_due_time == datetime.time(21, 0)
    draft.refresh_from_db()
    assert timezone.localtime(draft.due_at) == timezone.localtime(draft.due_at).replace(hour=21, minute=0)
    assert WorkReport.objects.get(pk=submitted.pk).due_at == submitted.due_at  # judged against the old deadline
    report = services.open_report(actor=org.rep_a, kind="daily", day=datetime.date(2026, 11, 23))
    assert timezone.localtime(report.due_at).time() == datetime.time(21, 0)


def test_menu_lists_work_reports_for_sales_and_settings_for_the_admin(org, client_for):
    assert "/activities/reports/" in client_for(org.rep_a).get("/").content.decode()
    assert "/activities/reports/settings/" in client_for(org.admin).get("/").content.decode()
    assert "/activities/reports/settings/" not in client_for(org.manager_east).get("/").content.decode()


# --- API -------------------------------------------------------------------------------------------------------

def api(client, method, path, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(f"/api/v1/activities/reports/{path}", **kwargs)


def test_api_open_update_submit_comment_review(org, client_for):
    org.east.manager = org.manager_east
    org.east.save()
    rep, manager = client_for(org.rep_a), client_for(org.manager_east)
    opened = api(rep, "post", "open", {"kind": "daily"})
    assert opened.status_code == 201
    report = opened.json()
    assert api(rep, "post", "open", {"kind": "daily"}).status_code == 200
    updated = api(rep, "patch", str(report["id"]), {"version": report["version"], "summary": "API 日报"})
    assert updated.status_code == 200 and updated.json()["summary"] == "API 日报"
    stale = api(rep, "patch", str(report["id"]), {"version": report["version"], "summary": "旧"})
    assert stale.status_code == 409
    done = api(rep, "post", f"{report['id']}/submit", {"version": updated.json()["version"]})
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert "visits_done" in done.json()["figures"]
    assert api(rep, "post", f"{report['id']}/review").status_code == 403
    assert api(manager, "post", f"{report['id']}/comments", {"text": "收到"}).status_code == 201
    assert api(manager, "post", f"{report['id']}/review").json()["status"] == "reviewed"
    detail = api(rep, "get", str(report["id"])).json()
    assert [c["text"] for c in detail["comments"]] == ["收到"]
    assert Notification.objects.filter(recipient=org.rep_a, kind="report_comment").exists()
    refused = api(rep, "delete", str(report["id"]))
    assert refused.status_code == 422 and refused.json()["message"]


def test_api_permissions_and_missing(org, client_for):
    report = submitted(org.rep_a)
    assert api(client_for(org.rep_a2), "get", str(report.pk)).status_code == 404
    assert api(client_for(org.manager_west), "get", str(report.pk)).status_code == 404
    listed = api(client_for(org.rep_a2), "get", "").json()
    assert listed["count"] == 0
    missing = api(client_for(org.manager_east), "get", "missing?kind=daily").json()
    assert [p["name"] for p in missing] == ["manager_east", "rep_a2"]
    bad = api(client_for(org.rep_a), "post", "open", {"kind": "yearly"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


@pytest.mark.parametrize("path", ["", "missing", "1"])
def test_api_needs_a_login(client, path, org):
    assert client.get(f"/api/v1/activities/reports/{path}").status_code == 401


def test_every_figure_link_opens_its_list_page_for_the_author(org, client_for):
    from salesflow.activities.reports.figures import figure_links

    start, end = datetime.date(2026, 11, 16), datetime.date(2026, 11, 22)
    links = figure_links(owner_ids=[org.rep_a.pk], start=start, end=end)
    assert {"visits_planned", "visits_done", "followups", "new_customers", "won", "agreements_signed",
            "collected"} <= {key for key, url in links.items() if url}
    client = client_for(org.rep_a)
    for key, url in links.items():
        if url:
            assert client.get(url).status_code == 200, (key, url)
    assert f"owner={org.rep_a.pk}" in links["followups"] and "date_from=2026-11-16" in links["followups"]


def _team_rows(page: str) -> str:
    return page.split('data-testid="team-rows"')[1].split("</table>")[0]


def test_team_summary_pages_people_while_the_team_figures_count_everyone(org, client_for):
    from salesflow.testing.factories import make_user

    reps = [make_user(f"paged{i:02d}", team=org.east1) for i in range(30)]
    for rep in reps:
        make_activity(rep, make_customer(rep), kind="visit")
    client = client_for(org.manager_east)
    first = client.get("/activities/reports/team/").content.decode()
    second = client.get("/activities/reports/team/?page=2").content.decode()
    first_rows, second_rows = _team_rows(first), _team_rows(second)
    assert first_rows.count("<tr>") == 1 + 25  # the header and one page of people
    shown = [rep.username for rep in reps if rep.username in first_rows or rep.username in second_rows]
    assert shown == [rep.username for rep in reps]
    assert not any(rep.username in first_rows and rep.username in second_rows for rep in reps)
    assert '<span class="tile-value">30</span><span class="tile-label">完成拜访' in first + second
    assert first.count('<span class="tile-value">30</span><span class="tile-label">完成拜访') == 1
    assert "page=2" in first


def test_team_summary_can_show_only_who_has_not_submitted(org, client_for):
    submitted(org.rep_a)
    page = client_for(org.manager_east).get("/activities/reports/team/?kind=daily&missing=on").content.decode()
    rows = _team_rows(page)
    assert str(org.rep_a2) in rows and f">{org.rep_a}<" not in rows and f">{org.rep_a} <" not in rows
    assert 'value="on" checked data-testid="only-missing"' in page
    everyone = _team_rows(client_for(org.manager_east).get("/activities/reports/team/?kind=daily").content.decode())
    assert f">{org.rep_a} <" in everyone or f">{org.rep_a}<" in everyone


def test_report_list_names_the_first_thirty_who_have_not_submitted_and_links_to_the_rest(org, client_for):
    from salesflow.testing.factories import make_user

    for i in range(31):
        make_user(f"late{i:02d}", team=org.east1)
    page = client_for(org.manager_east).get("/activities/reports/").content.decode()
    section = page.split('data-testid="missing-reports"')[1].split("</section>")[0]
    assert section.count('<li class="chip">') == 30
    assert 'data-testid="missing-more"' in section and "missing=on" in section
