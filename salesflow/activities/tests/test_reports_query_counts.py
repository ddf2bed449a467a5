"""Pinned SQL query counts of the work report pages and API reads (2 and 20 records cost the same)."""

import datetime

import pytest
from django.utils import timezone

from salesflow.activities.models import ReportComment, WorkReport
from salesflow.activities.reports import services
from salesflow.activities.tests.factories import make_activity, make_task
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned

TODAY = timezone.localdate()


def reports_of(org):
    """grow(n): n more submitted daily reports of rep_a and rep_a2 (one per earlier day), each with a comment."""
    days = iter(range(1, 1000))

    def grow(n):
        for _ in range(n):
            day = TODAY - datetime.timedelta(days=next(days))
            for rep in (org.rep_a, org.rep_a2):
                report = services.open_report(actor=rep, kind="daily", day=day)
                report = services.save_report(report, actor=rep, data={"summary": "日报"}, version=report.version)
                report = services.submit_report(report, actor=rep, version=report.version)
                ReportComment.objects.create(report=report, author=org.manager_east, text="收到")
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/activities/reports/", 5),
    ("manager_east", "/activities/reports/", 9),  # + the "not submitted" list (team subtree, people, reports)
    ("manager_east", "/activities/reports/?kind=daily&status=submitted", 9),
    ("rep_a", "/api/v1/activities/reports/", 4),
    ("manager_east", "/api/v1/activities/reports/missing?kind=daily", 5),
])
def test_report_list_query_counts_are_pinned(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, reports_of(org), expected)


def test_report_detail_query_count_does_not_grow_with_comments_or_records(org, client_for):
    report = services.open_report(actor=org.rep_a, kind="weekly", day=TODAY)
    customer = make_customer(org.rep_a)

    def grow(n):
        for _ in range(n):
            make_activity(org.rep_a, customer, kind="visit")
            make_task(org.rep_a, due=timezone.now() - datetime.timedelta(hours=1))
    assert_pinned(client_for(org.rep_a), report.get_absolute_url(), grow, 15)  # 10 of them the live figures


def test_submitted_report_detail_and_api_query_counts_are_pinned(org, client_for):
    report = services.open_report(actor=org.rep_a, kind="daily", day=TODAY)
    report = services.save_report(report, actor=org.rep_a, data={"summary": "日报"}, version=report.version)
    report = services.submit_report(report, actor=org.rep_a, version=report.version)

    def grow(n):
        for _ in range(n):
            ReportComment.objects.create(report=report, author=org.manager_east, text="收到")
    assert_pinned(client_for(org.manager_east), report.get_absolute_url(), grow, 9)
    assert WorkReport.objects.get(pk=report.pk).comments.count() == 20
    assert_pinned(client_for(org.manager_east), f"/api/v1/activities/reports/{report.pk}", grow, 6)


def test_team_summary_query_count_does_not_grow_with_people_or_records(org, client_for):
    from salesflow.testing.factories import make_user

    def grow(n):
        for _ in range(n):
            rep = make_user(team=org.east1)
            make_activity(rep, make_customer(rep), kind="visit")
            services.open_report(actor=rep, kind="daily", day=TODAY)
    # 2 × 10 figures (the team together, per person); paged: + the ids of everyone and the page's count
    assert_pinned(client_for(org.manager_east), "/activities/reports/team/", grow, 29)


@pytest.mark.parametrize("path", ["/activities/reports/team/", "/activities/reports/team/?kind=daily&missing=on"])
def test_team_summary_query_count_is_pinned_with_2_and_20_submitted_reports(org, client_for, path):
    from salesflow.testing.factories import make_user

    def grow(n):
        for _ in range(n):
            rep = make_user(team=org.east1)
            report = services.open_report(actor=rep, kind="daily", day=TODAY)
            report = services.save_report(report, actor=rep, data={"summary": "日报"}, version=report.version)
            services.submit_report(report, actor=rep, version=report.version)
            make_user(team=org.east1)  # and one who has not submitted
    # ids of everyone (team figures), count + page of people, their reports, 2 × 10 figures
    assert_pinned(client_for(org.manager_east), path, grow, 29)
