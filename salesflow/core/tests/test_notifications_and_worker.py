import datetime

from django.utils import timezone

from salesflow.core.models import JobRun, Notification
from salesflow.core.notifications import notify
from salesflow.core.registry import scheduled_jobs
from salesflow.core.worker import run_due_jobs

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


def test_due_job_runs_once_per_interval(db):
    calls.clear()
    now = timezone.now()
    assert run_due_jobs(now, only="test-counter")["test-counter"] == "call 1"
    assert run_due_jobs(now + datetime.timedelta(minutes=5), only="test-counter") == {}
    assert "test-counter" in run_due_jobs(now + datetime.timedelta(hours=2), only="test-counter")
    assert len(calls) == 2
    assert JobRun.objects.get(name="test-counter").last_result == "call 2"
