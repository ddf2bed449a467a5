"""Scheduled reports: once per subscription and period, announced to the channel (robot, e-mail) with the title,
the headline figures and the download link; the subscriptions page for administrators."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from salesflow.core.worker import run_once
from salesflow.insights.models import Channel, Delivery, ReportSubscription, SalesReport
from salesflow.insights.reports import services
from salesflow.testing.robots import robot_server
from salesflow.testing.smtp import smtp_sink

from .reports_fixtures import october_fixture  # noqa: F401  (the fixture)

# Sunday 1 November 2026, 00:30 in Shanghai: last month (October) and the last whole week (W43) are due.
NOV_1 = timezone.make_aware(datetime.datetime(2026, 11, 1, 0, 30))
MONDAY = timezone.make_aware(datetime.datetime(2026, 11, 2, 0, 30))


def test_each_subscription_gets_the_report_of_the_period_just_ended_once(
        org, october, django_capture_on_commit_callbacks, settings):
    settings.SALESFLOW_BASE_URL = "https://crm.example.com"
    with robot_server() as (base, robots):
        channel = Channel.objects.create(name="销售群", kind="wecom", url=f"{base}/wecom/send?key=k")
        monthly = ReportSubscription.objects.create(kind="monthly", channel=channel)
        weekly = ReportSubscription.objects.create(kind="weekly", team=org.east, channel=channel, lang="en",
                                                   format="pdf")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.run_schedule(NOV_1) == {"made": 2, "already": 0}
        with django_capture_on_commit_callbacks(execute=True):
            assert services.run_schedule(NOV_1 + datetime.timedelta(hours=1)) == {"made": 0, "already": 2}
        with django_capture_on_commit_callbacks(execute=True):
            run_once(schedules=False)  # the reports (each queues its message after commit)
        run_once(schedules=False)  # the messages
    reports = {r.subscription_id: r for r in SalesReport.objects.all()}
    assert (reports[monthly.pk].period, reports[weekly.pk].period) == ("2026-10", "2026-W43")
    assert {r.status for r in reports.values()} == {"ready"} and reports[weekly.pk].team == org.east
    assert reports[monthly.pk].generated_by is None  # the schedule
    assert len(robots.received) == 2
    text = next(r.body["markdown"]["content"] for r in robots.received if "月报" in r.body["markdown"]["content"])
    assert "签约额：350000.00 / 100000.00（350.0%）" in text
    assert f"https://crm.example.com/insights/reports/{reports[monthly.pk].pk}/download/" in text
    assert set(Delivery.objects.values_list("source", flat=True)) == {f"report:{r.pk}" for r in reports.values()}


def test_a_new_period_makes_a_new_report(org, django_capture_on_commit_callbacks):
    channel = Channel.objects.create(name="邮件", kind="email", recipients="boss@example.com")
    ReportSubscription.objects.create(kind="weekly", channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_schedule(NOV_1)
        services.run_schedule(MONDAY)
    assert sorted(SalesReport.objects.values_list("period", flat=True)) == ["2026-W43", "2026-W44"]


def test_the_database_refuses_a_second_report_of_a_subscription_and_period(org):
    channel = Channel.objects.create(name="邮件", kind="email", recipients="boss@example.com")
    subscription = ReportSubscription.objects.create(kind="monthly", channel=channel)
    SalesReport.objects.create(kind="monthly", period="2026-10", subscription=subscription)
    with pytest.raises(IntegrityError):
        SalesReport.objects.create(kind="monthly", period="2026-10", subscription=subscription)


def test_an_email_subscription_gets_the_message_through_smtp(org, october, settings,
                                                             django_capture_on_commit_callbacks):
    channel = Channel.objects.create(name="管理层邮件", kind="email", recipients="boss@example.com")
    ReportSubscription.objects.create(kind="monthly", channel=channel)
    with smtp_sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_TIMEOUT = "", "", 5
        with django_capture_on_commit_callbacks(execute=True):
            services.run_schedule(NOV_1)
        with django_capture_on_commit_callbacks(execute=True):
            run_once(schedules=False)
        run_once(schedules=False)
    assert len(sink.messages) == 1 and "月报" in sink.messages[0]["Subject"]


def test_only_an_administrator_manages_subscriptions(org, client_for):
    channel = Channel.objects.create(name="销售群", kind="email", recipients="a@example.com")
    assert client_for(org.director).get("/insights/settings/report-subscriptions/").status_code == 403
    admin = client_for(org.admin)
    response = admin.post("/insights/settings/report-subscriptions/new/",
                          {"kind": "quarterly", "team": org.east.pk, "lang": "zh-hans", "format": "pdf",
                           "channel": channel.pk, "active": "on"})
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert (subscription.kind, subscription.team) == ("quarterly", org.east)
    assert "季报" in admin.get("/insights/settings/report-subscriptions/").content.decode()
    assert admin.post(f"/insights/settings/report-subscriptions/{subscription.pk}/delete/").status_code == 302
    assert not ReportSubscription.objects.exists()
