import datetime
import socket

import pytest
from django.utils import timezone
from django_q.models import Failure, Success

from salesflow.activities.models import Reminder, Task
from salesflow.activities.tasks.jobs import remind_person, send_reminders
from salesflow.activities.tests.factories import make_plan, make_task
from salesflow.core.models import Notification
from salesflow.core.worker import run_job, run_once
from salesflow.testing.factories import make_customer
from salesflow.testing.smtp import smtp_sink

HOUR = datetime.timedelta(hours=1)


def noon_today():
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12, 0)))


@pytest.fixture
def smtp_settings(settings):
    def configure(port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
        settings.EMAIL_TIMEOUT = 5
    return configure


def test_reminders_fire_once_across_two_runs(org):
    now = noon_today()
    later = make_task(org.rep_a, title="下午回电", due=now + HOUR)
    late = make_task(org.rep_a, title="昨天的报价", due=now - datetime.timedelta(days=1))
    make_plan(org.rep_a2, make_customer(org.rep_a2), objective="演示产品")
    make_task(org.rep_a, title="已完成", due=now + HOUR, status=Task.Status.DONE, done_at=now)
    make_task(org.rep_b, title="下周", due=now + datetime.timedelta(days=7))

    assert send_reminders(now) == "3 reminders to 2 people"
    assert send_reminders(now + datetime.timedelta(minutes=15)) == "0 reminders to 0 people"

    texts = sorted(Notification.objects.filter(recipient=org.rep_a).values_list("text", flat=True))
    assert len(texts) == 2 and "下午回电" in texts[0] + texts[1] and "昨天的报价" in texts[0] + texts[1]
    assert Notification.objects.filter(recipient=org.rep_a2, text__contains="演示产品").count() == 1
    assert not Notification.objects.filter(recipient=org.rep_b).exists()
    assert Reminder.objects.filter(key__startswith=f"task:{later.pk}:today:").count() == 1
    assert Reminder.objects.filter(key__startswith=f"task:{late.pk}:overdue:").count() == 1


def test_a_task_due_today_is_reminded_again_once_it_is_overdue(org):
    now = noon_today()
    make_task(org.rep_a, title="下午回电", due=now + HOUR)
    send_reminders(now)
    send_reminders(now + 2 * HOUR)
    send_reminders(now + 3 * HOUR)
    assert Notification.objects.filter(recipient=org.rep_a).count() == 2  # due today, then overdue


def test_a_key_already_claimed_by_another_worker_sends_nothing(org):
    now = noon_today()
    make_task(org.rep_a, due=now + HOUR)
    from salesflow.activities.tasks.jobs import due_reminders
    pending = due_reminders(now)
    Reminder.objects.create(key=pending[0].key, recipient=org.rep_a)  # the other worker won the race
    assert remind_person(org.rep_a, pending, now) == 0
    assert not Notification.objects.exists()


def test_many_reminders_become_one_digest_notification(org):
    now = noon_today()
    for n in range(5):
        make_task(org.rep_a, title=f"任务{n}", due=now - datetime.timedelta(hours=n + 1))
    send_reminders(now)
    note = Notification.objects.get(recipient=org.rep_a)
    assert note.text.startswith("5 ") and note.url == "/activities/tasks/"


def test_the_job_is_registered_and_runs_through_the_worker(org):
    make_task(org.rep_a, due=timezone.now() - HOUR)  # overdue: reminded whatever the time of day
    result = run_job("task-reminders")
    assert result.startswith("1 reminders")


def test_no_mail_is_queued_without_email_host(org, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = ""
    org.rep_a.email = "rep_a@example.com"
    org.rep_a.save()
    make_task(org.rep_a, due=noon_today() - HOUR)
    with smtp_sink() as sink, django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_reminders(noon_today())
        run_once(schedules=False)
    assert callbacks == [] and sink.messages == []
    assert Notification.objects.filter(recipient=org.rep_a).count() == 1


def test_reminder_email_reaches_an_smtp_server_once_after_commit(org, smtp_settings,
                                                                  django_capture_on_commit_callbacks):
    org.rep_a.email = "rep_a@example.com"
    org.rep_a.save()
    make_task(org.rep_a, title="给王总回电", due=noon_today() - HOUR)
    make_task(org.rep_a, title="寄样品", due=noon_today() + HOUR)
    with smtp_sink() as sink:
        smtp_settings(sink.port)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            send_reminders(noon_today())
        assert len(callbacks) == 1  # one digest per person, queued after commit
        assert sink.messages == []  # nothing sent inside the job
        run_once(schedules=False)
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders(noon_today() + datetime.timedelta(minutes=15))
        run_once(schedules=False)
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "rep_a@example.com"
    body = message.get_body().get_content()
    assert "给王总回电" in body and "寄样品" in body
    assert Success.objects.filter(func="salesflow.activities.tasks.jobs.send_reminder_mail").count() == 1


def test_a_failed_reminder_email_is_recorded_as_a_failed_task(org, smtp_settings, django_capture_on_commit_callbacks,
                                                                caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket is closed
    smtp_settings(port)
    org.rep_a.email = "rep_a@example.com"
    org.rep_a.save()
    make_task(org.rep_a, due=noon_today() - HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(noon_today())
    run_once(schedules=False)
    assert Failure.objects.filter(func="salesflow.activities.tasks.jobs.send_reminder_mail").count() == 1
    assert "reminder e-mail to rep_a@example.com failed" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_at_once_send_each_reminder_once(org):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("two concurrent database connections need PostgreSQL")
    now = noon_today()
    titles = [f"并发任务{n}" for n in range(5)]
    for n, title in enumerate(titles):
        make_task(org.rep_a if n < 3 else org.rep_a2, title=title, due=now - datetime.timedelta(hours=n + 1))
    barrier, results = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            results.append(send_reminders(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert sum(int(result.split()[0]) for result in results) == 5
    assert Reminder.objects.count() == 5
    texts = list(Notification.objects.values_list("text", flat=True))
    assert sorted(sum(title in text for text in texts) for title in titles) == [1, 1, 1, 1, 1]
