"""Background work on django-q2 (ORM broker): queued tasks and the scheduled jobs apps register.

* :func:`enqueue` queues a task **after the current transaction commits** (never a task for rows that roll back).
* Each entry of ``registry.scheduled_jobs`` (``order`` = interval in seconds) becomes a django-q ``Schedule``
  that runs :func:`run_job`; the cluster's scheduler takes each due schedule under a row lock, so with workers on
  several hosts a due job runs once. ``JobRun`` keeps each job's last start, end and result ("failed: …" too);
  failed tasks are also kept by django-q (admin › Failed tasks) and retried.
* ``salesflow worker`` starts the cluster; ``salesflow worker --once`` (:func:`run_once`) runs the due schedules and
  every queued task in this process, then returns — tests and the demo use it.
"""

import logging
import pydoc
import traceback

from django.db import transaction
from django.utils import timezone
from django_q import scheduler as django_q_scheduler
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Schedule
from django_q.monitor import save_task
from django_q.scheduler import scheduler
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from . import audit
from .models import JobRun
from .registry import scheduled_jobs

log = logging.getLogger("salesflow.worker")

JOB_FUNC = "salesflow.core.worker.run_job"


def enqueue(func: str, *args, **kwargs) -> None:
    """Queue ``func(*args)`` (a dotted path) once the current transaction has committed."""
    transaction.on_commit(lambda: async_task(func, *args, **kwargs))


def run_job(name: str, now=None) -> str:
    """Run one scheduled job now and record it in ``JobRun``; a failure is recorded and re-raised (so retried)."""
    entry = scheduled_jobs.get(name)
    started = now or timezone.now()
    JobRun.objects.update_or_create(name=name, defaults={"last_started_at": started})
    try:
        with audit.acting_as(audit.SYSTEM):  # the audit trail names the system as the actor of a job's writes
            result = entry.func(started) or ""
    except Exception as exc:
        JobRun.objects.filter(name=name).update(last_finished_at=timezone.now(), last_result=f"failed: {exc}"[:2000])
        raise
    JobRun.objects.filter(name=name).update(last_finished_at=timezone.now(), last_result=result[:2000])
    return result


def sync_schedules() -> None:
    """One django-q Schedule per registered job; a changed interval is updated, a new job is due at once."""
    names = []
    for entry in scheduled_jobs.all():
        names.append(entry.name)
        minutes = max(1, entry.order // 60)
        schedule, created = Schedule.objects.get_or_create(
            name=entry.name, defaults={"func": JOB_FUNC, "args": repr((entry.name,)), "minutes": minutes,
                                       "schedule_type": Schedule.MINUTES, "repeats": -1,
                                       "next_run": timezone.now()})
        if not created and (schedule.minutes != minutes or schedule.func != JOB_FUNC):
            Schedule.objects.filter(pk=schedule.pk).update(minutes=minutes, func=JOB_FUNC,
                                                           schedule_type=Schedule.MINUTES)
    Schedule.objects.filter(func=JOB_FUNC).exclude(name__in=names).delete()


def _execute(task: dict, broker) -> dict:
    func = task["func"] if callable(task["func"]) else pydoc.locate(task["func"])
    try:
        if func is None:
            raise ValueError(f"Function {task['func']} is not defined")
        task["result"], task["success"] = func(*task["args"], **task["kwargs"]), True
    except Exception as exc:  # recorded as a failed task (and retried by the queue), like the cluster does
        log.exception("task %s failed", task.get("name"))
        task["result"], task["success"] = f"{exc} : {traceback.format_exc()}", False
    task["stopped"] = timezone.now()
    task["sync"] = True  # keep this process's connection (and a test's transaction) open
    save_task(task, broker)  # stores the result; drops a task from the queue after MAX_ATTEMPTS failures
    if task.get("ack_id") and task["success"]:
        broker.acknowledge(task["ack_id"])
    return task


def run_once(*, schedules: bool = True, max_tasks: int = 10_000) -> list[dict]:
    """Create tasks for due schedules (unless ``schedules`` is False), then run every queued task in this
    process; returns the tasks run."""
    broker = get_broker()
    if schedules:
        sync_schedules()
        # django-q's scheduler closes "old" connections first, as a long-running cluster process should; here it
        # runs inside the caller's process (a command, a test's transaction): keep this connection open.
        close = django_q_scheduler.close_old_django_connections
        django_q_scheduler.close_old_django_connections = lambda: None
        try:
            scheduler(broker=broker)
        finally:
            django_q_scheduler.close_old_django_connections = close
    done = []
    while len(done) < max_tasks and broker.queue_size():
        for ack_id, package in broker.dequeue() or []:
            task = SignedPackage.loads(package)
            task["ack_id"], task["cluster"] = ack_id, Conf.CLUSTER_NAME
            done.append(_execute(task, broker))
    return done


def run_due_jobs(now=None, *, only: str | None = None, force: bool = False) -> dict[str, str]:
    """``--once``: with ``only`` and ``force`` run that job now; otherwise run due schedules and queued tasks."""
    if only and force:
        return {only: run_job(only, now)}
    results = {}
    for task in run_once():
        if task.get("func") == JOB_FUNC and (not only or task["args"][0] == only):
            results[task["args"][0]] = task["result"] if task["success"] else f"failed: {task['result']}"
    return results
