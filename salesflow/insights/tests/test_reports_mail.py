"""A subscribed report sent by e-mail carries its file (XLSX or PDF) as an attachment beside the download link;
a file over ``REPORT_EMAIL_ATTACHMENT_MAX_BYTES`` goes as the link only, and the mail says why. Robots get the link.

The mails are read from Django's locmem outbox (the test mail backend) and, once, from a real SMTP socket."""

import datetime
import io

from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from salesflow.core.worker import run_once
from salesflow.insights.models import Channel, Delivery, ReportSubscription, SalesReport
from salesflow.insights.reports import services
from salesflow.testing.robots import robot_server
from salesflow.testing.smtp import smtp_sink

from .reports_fixtures import october_fixture  # noqa: F401  (the fixture)

NOV_1 = timezone.make_aware(datetime.datetime(2026, 11, 1, 0, 30))  # October's report is due
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def deliver(django_capture_on_commit_callbacks):
    """The schedule, then the worker twice: the reports (each queues its message after commit), then the messages."""
    with django_capture_on_commit_callbacks(execute=True):
        services.run_schedule(NOV_1)
    with django_capture_on_commit_callbacks(execute=True):
        run_once(schedules=False)
    run_once(schedules=False)


def subscribe(**fields) -> ReportSubscription:
    channel = Channel.objects.create(name="管理层邮件", kind="email", recipients="boss@example.com, ceo@example.com")
    return ReportSubscription.objects.create(kind="monthly", channel=channel, **fields)


def test_an_xlsx_report_mail_carries_the_workbook_and_keeps_the_link(org, october, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.SALESFLOW_BASE_URL = "https://crm.example.com"
    subscribe()
    deliver(django_capture_on_commit_callbacks)
    report = SalesReport.objects.get()
    assert report.status == "ready" and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@example.com", "ceo@example.com"] and message.subject == report.title
    assert f"https://crm.example.com/insights/reports/{report.pk}/download/" in message.body
    assert "附件：salesflow-monthly-2026-10-company-zh-hans.xlsx" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("salesflow-monthly-2026-10-company-zh-hans.xlsx", XLSX)
    assert content == bytes(report.content)
    book = load_workbook(io.BytesIO(content))
    assert book.worksheets[0]["A1"].value == report.title
    assert [c.value for c in book.worksheets[1][3]] == ["签约额", 100000, 350000, 350]
    assert Delivery.objects.get().attachment == report


def test_a_pdf_report_mail_carries_the_pdf_in_the_subscriptions_language(org, october,
                                                                         django_capture_on_commit_callbacks):
    subscribe(format="pdf", lang="en", team=org.east)
    deliver(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"salesflow-monthly-2026-10-team{org.east.pk}-en.pdf", "application/pdf")
    assert content[:5] == b"%PDF-"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Results vs target" in text and "300,000.00" in text  # East's signed amount in October
    assert f"Attached: {name}" in message.body and "Download:" in message.body


def test_a_file_over_the_limit_goes_as_the_link_only_and_the_mail_says_so(org, october, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES = 1024
    subscribe()
    deliver(django_capture_on_commit_callbacks)
    report = SalesReport.objects.get()
    assert report.size > 1024
    [message] = mail.outbox
    assert message.attachments == []
    assert f"/insights/reports/{report.pk}/download/" in message.body
    assert "超过邮件附件上限 1.0\xa0KB，未随邮件附上" in message.body  # filesizeformat: a no-break space
    assert "附件：" not in message.body
    assert Delivery.objects.get().attachment is None


def test_a_file_exactly_at_the_limit_is_attached(org, october, settings, django_capture_on_commit_callbacks):
    subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_schedule(NOV_1)
    with django_capture_on_commit_callbacks(execute=True):
        run_once(schedules=False)
    settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES = SalesReport.objects.get().size  # the limit is inclusive
    Delivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.announce(SalesReport.objects.get())
    run_once(schedules=False)
    assert len(mail.outbox[-1].attachments) == 1


def test_a_robot_gets_the_link_and_no_attachment(org, october, django_capture_on_commit_callbacks):
    with robot_server() as (base, robots):
        channel = Channel.objects.create(name="销售群", kind="wecom", url=f"{base}/wecom/send?key=k")
        ReportSubscription.objects.create(kind="monthly", channel=channel)
        deliver(django_capture_on_commit_callbacks)
    [received] = robots.received
    text = received.body["markdown"]["content"]
    assert "下载：" in text and "附件" not in text
    assert Delivery.objects.get().attachment is None and mail.outbox == []


def test_the_attachment_arrives_over_smtp_with_its_name_and_type(org, october, settings,
                                                                 django_capture_on_commit_callbacks):
    subscribe()
    with smtp_sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_TIMEOUT = "", "", 5
        deliver(django_capture_on_commit_callbacks)
    [received] = sink.messages
    [part] = list(received.iter_attachments())
    assert part.get_filename() == "salesflow-monthly-2026-10-company-zh-hans.xlsx"
    assert part.get_content_type() == XLSX
    assert part.get_content() == bytes(SalesReport.objects.get().content)
    assert "下载：" in received.get_body(("plain",)).get_content()
