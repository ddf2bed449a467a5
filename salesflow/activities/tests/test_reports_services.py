"""Work report services: periods and deadlines, open / save / submit / comment / review / delete, missing list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.activities.models import ReportComment, ReportSettings, WorkReport
from salesflow.activities.reports import services
from salesflow.activities.tests.factories import make_activity
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry, Notification
from salesflow.testing.factories import make_customer

TZ = timezone.get_current_timezone


def local(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ())


@pytest.fixture
def managed(org):
    """East has its manager set (rep_a's team East-1 has none: the nearest manager above is East's)."""
    org.east.manager = org.manager_east
    org.east.save()
    org.west.manager = org.manager_west
    org.west.save()
    return org


def submitted(owner, day=None, kind="daily", now=None):
    report = services.open_report(actor=owner, kind=kind, day=day or timezone.localdate())
    report = services.save_report(report, actor=owner, data={"summary": "拜访两家客户"}, version=report.version)
    return services.submit_report(report, actor=owner, version=report.version, now=now)


# --- periods and deadlines ------------------------------------------------------------------------------------

def test_periods_are_the_day_the_iso_week_and_the_calendar_month():
    day = datetime.date(2026, 12, 31)  # a Thursday
    assert services.report_period("daily", day) == (day, day)
    assert services.report_period("weekly", day) == (datetime.date(2026, 12, 28), datetime.date(2027, 1, 3))
    assert services.report_period("monthly", day) == (datetime.date(2026, 12, 1), day)
    assert services.report_period("monthly", datetime.date(2028, 2, 10))[1] == datetime.date(2028, 2, 29)


def test_deadlines_follow_the_settings_including_the_month_after_december(db):
    settings = ReportSettings.objects.create(daily_due_time="21:30", weekly_due_weekday=7, weekly_due_time="12:00",
                                             monthly_due_day=5, monthly_due_time="09:00")
    assert services.due_at("daily", datetime.date(2026, 11, 23)) == local(2026, 11, 23, 21, 30)
    assert services.due_at("weekly", datetime.date(2026, 11, 23)) == local(2026, 11, 29, 12, 0)
    assert services.due_at("monthly", datetime.date(2026, 12, 1)) == local(2027, 1, 5, 9, 0)
    assert services.due_at("monthly", datetime.date(2026, 1, 1)) == local(2026, 2, 5, 9, 0)
    settings.delete()  # the defaults without a settings row: 20:00 same day, Friday 18:00, the 3rd at 18:00
    assert services.due_at("daily", datetime.date(2026, 11, 23)) == local(2026, 11, 23, 20, 0)
    assert services.due_at("weekly", datetime.date(2026, 11, 23)) == local(2026, 11, 27, 18, 0)
    assert services.due_at("monthly", datetime.date(2026, 1, 1)) == local(2026, 2, 3, 18, 0)


def test_a_report_submitted_after_its_deadline_is_late_and_before_it_is_not(org):
    day = datetime.date(2026, 11, 20)
    on_time = submitted(org.rep_a, day, now=local(2026, 11, 20, 19, 59))
    late = submitted(org.rep_a2, day, now=local(2026, 11, 20, 20, 1))
    assert on_time.due_at == local(2026, 11, 20, 20, 0)
    assert (on_time.is_late, late.is_late) == (False, True)


# --- open ------------------------------------------------------------------------------------------------------

def test_opening_twice_gives_the_same_report_of_the_period(org):
    first = services.open_report(actor=org.rep_a, kind="weekly", day=datetime.date(2026, 11, 18))
    again = services.open_report(actor=org.rep_a, kind="weekly", day=datetime.date(2026, 11, 22))
    assert first.pk == again.pk
    assert (first.period_start, first.period_end, first.team_id) == (
        datetime.date(2026, 11, 16), datetime.date(2026, 11, 22), org.east1.pk)
    assert WorkReport.objects.count() == 1


def test_finance_writes_no_reports(org):
    with pytest.raises(PermissionDenied):
        services.open_report(actor=org.finance, kind="daily", day=timezone.localdate())


# --- save and submit -------------------------------------------------------------------------------------------

def test_only_the_author_edits_and_a_stale_version_is_refused(org):
    report = services.open_report(actor=org.rep_a, kind="daily", day=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.save_report(report, actor=org.manager_east, data={"summary": "代写"}, version=report.version)
    saved = services.save_report(report, actor=org.rep_a, data={"summary": " 今日拜访 "}, version=report.version)
    assert saved.summary == "今日拜访" and saved.version == report.version + 1
    with pytest.raises(StaleEditError):
        services.save_report(report, actor=org.rep_a, data={"summary": "旧版本"}, version=report.version)
    assert AuditEntry.objects.filter(object_id=str(report.pk), action="update").exists()


def test_submit_freezes_the_figures_and_later_records_do_not_change_them(managed):
    org = managed
    customer = make_customer(org.rep_a)
    make_activity(org.rep_a, customer, kind="visit")
    report = submitted(org.rep_a)
    assert report.status == "submitted" and report.submitted_at is not None
    assert report.figures["visits_done"] == 1
    make_activity(org.rep_a, customer, kind="visit")
    assert WorkReport.objects.get(pk=report.pk).figures["visits_done"] == 1
    with pytest.raises(ValidationError):
        services.submit_report(report, actor=org.rep_a, version=report.version)


def test_submit_needs_a_summary(org):
    report = services.open_report(actor=org.rep_a, kind="daily", day=timezone.localdate())
    with pytest.raises(ValidationError) as error:
        services.submit_report(report, actor=org.rep_a, version=report.version)
    assert "summary" in error.value.message_dict


def test_submitting_tells_the_nearest_manager_above_the_rep(managed):
    report = submitted(managed.rep_a)
    note = Notification.objects.get(recipient=managed.manager_east, kind="report_submitted")
    assert note.url == report.get_absolute_url()
    assert not Notification.objects.filter(recipient=managed.manager_west).exists()


# --- comments and review ---------------------------------------------------------------------------------------

def test_a_managers_comment_notifies_the_rep_and_the_reps_reply_notifies_the_manager(managed):
    org = managed
    report = submitted(org.rep_a)
    services.comment_on(report, actor=org.manager_east, text="客户A下周再跟进")
    assert Notification.objects.filter(recipient=org.rep_a, kind="report_comment").count() == 1
    services.comment_on(report, actor=org.rep_a, text="好的")
    assert Notification.objects.filter(recipient=org.manager_east, kind="report_comment").count() == 1
    assert list(report.comments.values_list("text", flat=True)) == ["客户A下周再跟进", "好的"]


def test_outsiders_and_empty_comments_are_refused(managed):
    org = managed
    report = submitted(org.rep_a)
    for outsider in (org.rep_a2, org.manager_west, org.rep_b):
        with pytest.raises(PermissionDenied):
            services.comment_on(report, actor=outsider, text="看看")
    with pytest.raises(ValidationError):
        services.comment_on(report, actor=org.manager_east, text="  ")
    assert ReportComment.objects.count() == 0


def test_rep_cannot_review_own_report_and_a_manager_reviews_a_submitted_one_once(managed):
    org = managed
    draft = services.open_report(actor=org.rep_a, kind="weekly", day=timezone.localdate())
    with pytest.raises(ValidationError):
        services.mark_reviewed(draft, actor=org.manager_east)
    report = submitted(org.rep_a)
    with pytest.raises(PermissionDenied):
        services.mark_reviewed(report, actor=org.rep_a)
    with pytest.raises(PermissionDenied):
        services.mark_reviewed(report, actor=org.manager_west)
    reviewed = services.mark_reviewed(report, actor=org.manager_east)
    assert (reviewed.status, reviewed.reviewed_by) == ("reviewed", org.manager_east)
    assert Notification.objects.filter(recipient=org.rep_a, kind="report_reviewed").exists()
    with pytest.raises(ValidationError):
        services.mark_reviewed(reviewed, actor=org.director)
    with pytest.raises(ValidationError):  # reviewed: the text is final
        services.save_report(reviewed, actor=org.rep_a, data={"summary": "改"}, version=reviewed.version)


# --- delete ----------------------------------------------------------------------------------------------------

def test_deleting_a_submitted_report_is_refused_and_a_draft_is_deleted(org):
    report = submitted(org.rep_a)
    with pytest.raises(ValidationError) as error:
        services.delete_report(report, actor=org.rep_a)
    assert "cannot be deleted" in " ".join(error.value.messages) or "不能删除" in " ".join(error.value.messages)
    assert WorkReport.objects.filter(pk=report.pk).exists()
    draft = services.open_report(actor=org.rep_a, kind="monthly", day=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.delete_report(draft, actor=org.manager_east)
    services.delete_report(draft, actor=org.rep_a)
    assert not WorkReport.objects.filter(pk=draft.pk).exists()


# --- missing ---------------------------------------------------------------------------------------------------

def test_missing_lists_the_people_in_scope_without_a_submitted_report_of_that_period(org):
    day = datetime.date(2026, 11, 18)
    submitted(org.rep_a, day)
    services.open_report(actor=org.rep_a2, kind="daily", day=day)  # a draft is not submitted
    submitted(org.rep_b, day)
    assert services.missing_reports(org.manager_east, kind="daily", day=day) == [org.manager_east, org.rep_a2]
    assert services.missing_reports(org.manager_east, kind="weekly", day=day) == [
        org.manager_east, org.rep_a, org.rep_a2]
    assert set(services.missing_reports(org.director, kind="daily", day=day)) == {
        org.manager_east, org.rep_a2, org.manager_west}
    assert services.missing_reports(org.rep_a2, kind="daily", day=day) == [org.rep_a2]
    assert services.missing_reports(org.finance, kind="daily", day=day) == []
