"""Shared building blocks: the audit trail and the optimistic-concurrency base model."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from .concurrency import VersionedModel  # noqa: F401  (re-exported for apps)


class AuditEntry(models.Model):
    """One change to one business record: who, what, when, and the field values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        ACTION = "action", _("Action")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    # {"field": [old, new]} for updates; {"field": value} for creates; free-form detail for actions/exports.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    @classmethod
    def for_object(cls, obj):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        ).select_related("actor")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user (reminders, pool return warnings, alerts). Shown under the bell in the top bar."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.text


class JobRun(models.Model):
    """When each scheduled job last ran; the row lock makes one worker among several run a due job."""

    name = models.CharField(max_length=80, unique=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_result = models.TextField(blank=True)

    def __str__(self):
        return self.name


class ImportJob(models.Model):
    """A web import: the uploaded file, how far the background checks have got, what they found, the result.

    upload -> CHECKING (task: read the file within bounds, check every row, progress saved per chunk)
    -> INVALID (problems listed) | READY (preview) -> confirm (once, under a row lock) -> CONFIRMED
    (task: write all rows in one transaction) -> DONE | INVALID.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        CONFIRMED = "confirmed", _("Importing")
        DONE = "done", _("Imported")

    MAX_STORED_ERRORS = 1000

    kind = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    key = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=10, blank=True)
    payload = models.BinaryField(null=True, editable=False)  # the upload (size-checked), dropped once read
    rows = models.JSONField(default=list)  # parsed rows, dropped once written
    preview = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # the first MAX_STORED_ERRORS problems
    error_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.filename}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.checked / self.total)


class LocalTimeRollupModel(models.Model):
    """Base of a roll-up table kept by the triggers of ``ROLLUP``, a ``rollups.LocalTimeRollup`` (by the local day
    or month of a timestamp)."""

    ROLLUP = None

    class Meta:
        abstract = True

    @classmethod
    def usable(cls) -> bool:
        """Whether the triggers place records on the days of the zone the site runs in (else read the records)."""
        return cls.ROLLUP.zone_matches()

    @classmethod
    def rebuild(cls) -> int:
        """Install the triggers in the current time zone and refill the table from the records (after a bulk load
        without triggers, or after ``TIME_ZONE`` changed): the number of rows."""
        with transaction.atomic(), connection.cursor() as cursor:
            return cls.ROLLUP.install(cursor, connection.vendor, settings.TIME_ZONE)
