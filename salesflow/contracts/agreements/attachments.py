"""Agreement attachments (scanned contracts, specifications): checked by size and by their bytes, never by the name
or the browser's content type; stored under MEDIA_ROOT with a generated name; read only through a permission-checked
download view."""

import datetime
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.contracts.models import Agreement, Attachment
from salesflow.core import audit
from salesflow.core.models import AuditEntry
from salesflow.org import access

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE = "application/msword"  # .doc and .xls share the OLE2 container; the name tells Word from Excel
XLS = "application/vnd.ms-excel"
ALLOWED_LABEL = "PDF、PNG、JPEG、Word（doc/docx）、Excel（xls/xlsx）"


def sniff(upload) -> str | None:
    """The content type the file's bytes show, or None when it is none of the allowed kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return XLS if upload.name.lower().endswith(".xls") else OLE
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    return None


def check_upload(upload) -> str:
    limit = settings.AGREEMENT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"file": _("The file is %(size)s MB; attachments may be at most %(limit)s MB.")
                               % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError({"file": _("This kind of file is not accepted. Allowed: %(kinds)s.")
                               % {"kinds": ALLOWED_LABEL}})
    return content_type


def can_add_attachment(user, agreement) -> bool:
    return access.can_change(user, agreement)


@transaction.atomic
def add_attachment(agreement: Agreement, *, actor, upload) -> Attachment:
    access.require_change(actor, agreement)
    content_type = check_upload(upload)
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    attachment = Attachment(agreement=agreement, name=name, content_type=content_type, size=upload.size,
                            uploaded_by=actor)
    attachment.file.save("upload", upload, save=False)  # upload_to generates the stored name
    try:
        attachment.save()
        audit.record(agreement, AuditEntry.Action.ACTION, actor=actor, note=_("Attachment added"),
                     changes={"attachment": name, "size": upload.size})
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    # A caller's transaction that rolls back later leaves the file without its row: remove_orphan_files sweeps it.
    return attachment


ORPHAN_AGE = datetime.timedelta(hours=1)  # older than any transaction still running


def remove_orphan_files(now=None) -> int:
    """Delete stored attachment files that no ``Attachment`` row names (their upload's transaction rolled back),
    once they are older than ``ORPHAN_AGE``; returns how many were deleted."""
    storage, now = Attachment.file.field.storage, now or timezone.now()
    if not storage.exists("agreements"):
        return 0
    removed = 0
    for folder in storage.listdir("agreements")[0]:
        paths = [f"agreements/{folder}/{name}" for name in storage.listdir(f"agreements/{folder}")[1]]
        known = set(Attachment.objects.filter(file__in=paths).values_list("file", flat=True))
        for path in paths:
            if path not in known and now - storage.get_modified_time(path) > ORPHAN_AGE:
                storage.delete(path)
                removed += 1
    return removed


@transaction.atomic
def remove_attachment(attachment: Attachment, *, actor) -> None:
    access.require_change(actor, attachment.agreement)
    name, storage, path = attachment.name, attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))
    audit.record(attachment.agreement, AuditEntry.Action.ACTION, actor=actor, note=_("Attachment removed"),
                 changes={"attachment": name})
