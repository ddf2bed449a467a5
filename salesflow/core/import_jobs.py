"""The life of a web import, as background tasks on the queue (``core.worker``).

:func:`start_import` stores the size-checked upload and queues :func:`check_import` (read within bounds, check
every row, progress saved every chunk). :func:`confirm_import` is a one-time transition under a row lock that
queues :func:`write_import`, which writes every row in one transaction (all or nothing).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .imports import ImportFileError, get_importer, lookup_cache, read_table, rows_as_values, validate_rows, write_rows
from .models import ImportJob
from .worker import enqueue

log = logging.getLogger("salesflow.imports")

CHUNK = 1000
PREVIEW_ROWS = 20
S = ImportJob.Status


@transaction.atomic
def start_import(*, actor, importer, file, filename: str, key: str = "") -> ImportJob:
    """Store an upload that passed the quick checks (``imports.check_upload``) and queue its checking."""
    job = ImportJob.objects.create(kind=importer.name, user=actor, filename=filename[:200], key=key or "",
                                   language=translation.get_language() or "", payload=file.read())
    enqueue("salesflow.core.import_jobs.check_import", job.pk)
    return job


def _fail(job_id, messages, **extra) -> None:
    errors = [{"line": 0, "column": "", "message": m} for m in messages]
    ImportJob.objects.filter(pk=job_id).update(status=S.INVALID, errors=errors, error_count=len(errors),
                                               finished_at=timezone.now(), **extra)


def check_import(job_id: int) -> str:
    job = ImportJob.objects.defer("rows").get(pk=job_id)
    if job.status != S.CHECKING:
        return f"skipped: {job.status}"
    importer = get_importer(job.kind)
    with translation.override(job.language or None), audit.acting_as(job.user):
        try:
            headers, rows = read_table(job.filename, bytes(job.payload or b""))
            values = rows_as_values(importer, headers, rows)
        except ImportFileError as exc:
            _fail(job.pk, [str(exc)], payload=None)
            return "refused"
        del headers, rows
        ImportJob.objects.filter(pk=job.pk).update(payload=None, rows=values, total=len(values),
                                                   preview=values[:PREVIEW_ROWS])
        errors, count, seen = [], 0, {}
        with lookup_cache():  # owners, regions and the customer name index are loaded once per import
            for start in range(0, len(values), CHUNK):
                found = validate_rows(importer, values, actor=job.user, key=job.key or None, start=start,
                                      stop=start + CHUNK, seen=seen)
                count += len(found)
                errors += [e.as_dict() for e in found][:ImportJob.MAX_STORED_ERRORS - len(errors)]
                ImportJob.objects.filter(pk=job.pk).update(checked=min(start + CHUNK, len(values)), errors=errors,
                                                           error_count=count)
        status = S.INVALID if count else S.READY
        ImportJob.objects.filter(pk=job.pk).update(status=status, checked=len(values))
    return f"{status}: {len(values)} rows, {count} problems"


@transaction.atomic
def confirm_import(*, job_id: int, actor) -> ImportJob:
    """READY -> CONFIRMED, once: the row lock makes a second (or parallel) confirm see CONFIRMED and stop."""
    job = ImportJob.objects.select_for_update().defer("rows", "payload").get(pk=job_id, user=actor)
    if job.status in (S.CONFIRMED, S.DONE):
        raise ValidationError(_("This import was already confirmed."))
    if job.status != S.READY:
        raise ValidationError(_("This import cannot be confirmed: it is “%(status)s”.")
                              % {"status": job.get_status_display()})
    job.status, job.confirmed_at = S.CONFIRMED, timezone.now()
    job.save(update_fields=["status", "confirmed_at"])
    enqueue("salesflow.core.import_jobs.write_import", job.pk)
    return job


def write_import(job_id: int) -> str:
    """Write a confirmed import's rows in one transaction; runs once even if the task is delivered twice."""
    job = ImportJob.objects.defer("rows", "payload").get(pk=job_id)
    importer = get_importer(job.kind)
    with translation.override(job.language or None), audit.acting_as(job.user):
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().defer("payload").get(pk=job_id)
                if job.status != S.CONFIRMED:
                    return f"skipped: {job.status}"
                job.result = write_rows(importer, job.rows, actor=job.user, key=job.key or None)
                job.status, job.rows, job.finished_at = S.DONE, [], timezone.now()
                job.save(update_fields=["result", "status", "rows", "finished_at"])
        except ValidationError as exc:  # the data changed since the check: nothing was written
            _fail(job_id, exc.messages)
            return "invalid"
    return f"done: {job.result}"
