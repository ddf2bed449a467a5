"""The background worker: runs the scheduled jobs apps register in ``registry.scheduled_jobs``.

Several workers may run on several hosts: before running a due job a worker locks its ``JobRun`` row
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL), so each due job runs once.
A job is ``func(now) -> str`` (a one-line result); ``order`` in the registry is its interval in seconds.
"""

import datetime
import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from salesflow.core import audit

from .models import JobRun
from .registry import scheduled_jobs

log = logging.getLogger("salesflow.worker")


def _lock_if_due(name: str, interval: int, now):
    JobRun.objects.get_or_create(name=name)
    with transaction.atomic():
        query = JobRun.objects.filter(name=name)
        query = query.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
        run = query.first()
        if run is None:  # another worker holds it
            return False
        if run.last_started_at and now - run.last_started_at < datetime.timedelta(seconds=interval):
            return False
        run.last_started_at = now
        run.save(update_fields=["last_started_at"])
        return True


def run_due_jobs(now=None, *, only: str | None = None, force: bool = False) -> dict[str, str]:
    now = now or timezone.now()
    results = {}
    for entry in scheduled_jobs.all():
        if only and entry.name != only:
            continue
        if not force and not _lock_if_due(entry.name, entry.order, now):
            continue
        try:
            with audit.acting_as(audit.SYSTEM):
                result = entry.func(now) or ""
        except Exception as exc:  # a failing job must not stop the others; it is logged and retried next time
            log.exception("job %s failed", entry.name)
            result = f"failed: {exc}"
        JobRun.objects.update_or_create(name=entry.name, defaults={"last_finished_at": timezone.now(),
                                                                    "last_result": result[:2000]})
        results[entry.name] = result
    return results


def run_forever(poll_seconds: int = 30, stdout=None) -> None:
    while True:
        for name, result in run_due_jobs().items():
            if stdout is not None:
                stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {name}: {result}")
        time.sleep(poll_seconds)
