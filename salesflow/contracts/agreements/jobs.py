"""Housekeeping of agreement attachments."""

from salesflow.core.registry import scheduled_jobs

from .attachments import remove_orphan_files


@scheduled_jobs.register("attachment-orphans", "delete attachment files whose upload was rolled back", order=86400)
def attachment_orphans_job(now) -> str:
    return f"removed {remove_orphan_files(now)} orphan files"
