import datetime
import io

import pytest
from django.utils import timezone
from django_q.models import Failure, OrmQ, Schedule, Success

from salesflow.core.models import JobRun, Notification
from salesflow.core.notifications import notify
from salesflow.core.registry import scheduled_jobs
from salesflow.core.worker import enqueue, run_due_jobs

calls = []


@scheduled_jobs.register("test-counter", "counts calls (test only)", order=3600)
def _counter(now):
    calls.append(now)
    return f"call {len(calls)}"


def test_notification_shows_in_bell_and_page_and_can_be_marked_read(org, client_for):
    notify(recipient=org.rep_a, text="客户即将退回公海", url="/customers/")
    client = client_for(org.rep_a)
    page = client.get("/notifications/").content.decode()
    assert "客户即将退回公海" in page
    assert 'class="bell-count">1<' in client.get("/").content.decode()
    client.post("/notifications/read/")
    assert Notification.objects.filter(recipient=org.rep_a).unread().count() == 0
    assert "客户即将退回公海" not in client_for(org.rep_b).get("/notifications/").content.decode()


def test_due_job_runs_once_per_interval_through_the_queue(db):
    calls.clear()
    assert run_due_jobs(only="test-counter")["test-counter"] == "call 1"
    assert run_due_jobs(only="test-counter") == {}  # next run is an hour away
    schedule = Schedule.objects.get(name="test-counter")
    assert schedule.minutes == 60 and schedule.next_run > timezone.now() + datetime.timedelta(minutes=55)
    Schedule.objects.filter(pk=schedule.pk).update(next_run=timezone.now() - datetime.timedelta(seconds=1))
    assert "test-counter" in run_due_jobs(only="test-counter")
    assert len(calls) == 2
    assert JobRun.objects.get(name="test-counter").last_result == "call 2"
    assert Success.objects.filter(func="salesflow.core.worker.run_job", group="test-counter").count() == 2


@pytest.fixture
def failing_job():
    """A job that always fails, registered only for the test that asks for it (other tests run every job)."""
    def _failing(now):
        raise RuntimeError("mailbox unreachable")

    scheduled_jobs.register("test-failing", "always fails (test only)", order=3600)(_failing)
    yield
    scheduled_jobs._entries.pop("test-failing")


def test_failing_job_is_recorded_as_failed_task_and_in_jobrun_and_others_still_run(db, failing_job):
    calls.clear()
    results = run_due_jobs()
    assert results["test-failing"].startswith("failed: mailbox unreachable")
    assert results["test-counter"] == "call 1"
    assert JobRun.objects.get(name="test-failing").last_result == "failed: mailbox unreachable"
    failure = Failure.objects.get(group="test-failing")
    assert "mailbox unreachable" in failure.result


def test_task_is_queued_only_after_commit_and_run_by_the_worker(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue("salesflow.core.notifications.notify", recipient=None, text="x")
    assert OrmQ.objects.count() == 0  # nothing queued before the commit
    for callback in callbacks:
        callback()
    assert OrmQ.objects.count() == 1


def test_worker_once_command_runs_queued_task_and_scheduled_jobs(org, django_capture_on_commit_callbacks,
                                                                  failing_job):
    from django.core.management import call_command

    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("salesflow.core.notifications.notify", recipient=org.rep_a, text="任务完成")
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert Notification.objects.filter(recipient=org.rep_a, text="任务完成").exists()
    assert "run_job('pool-returns',): ok" in out.getvalue()
    # only the failing job is still queued, locked until its retry is due
    assert [tuple(q.task["args"]) for q in OrmQ.objects.all()] == [("test-failing",)]
