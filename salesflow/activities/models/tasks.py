"""Tasks (任务) with a due time, a priority and an assignee, and the reminders sent about them.

A manager may assign a task to anyone in their subtree (``org.access.oversees``). A ``Reminder`` row is written
with each reminder under a unique key (e.g. ``task:42:overdue``), so a reminder fires once however often the job
runs and on however many hosts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.org.access import OwnedQuerySet


class TaskQuerySet(OwnedQuerySet):
    def open(self):
        return self.filter(status=Task.Status.OPEN)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def due_between(self, start, end):
        return self.filter(due_at__gte=start, due_at__lt=end)


class Task(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Priority(models.IntegerChoices):
        LOW = 1, pgettext_lazy("priority", "Low")
        NORMAL = 2, pgettext_lazy("priority", "Normal")
        HIGH = 3, pgettext_lazy("priority", "High")
        URGENT = 4, pgettext_lazy("priority", "Urgent")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task status", "Open")  # 待办
        DONE = "done", pgettext_lazy("task status", "Done")  # 已完成
        CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")  # 已取消

    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    due_at = models.DateTimeField(_("due"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT,
                              related_name="tasks")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tasks")
    opportunity = models.ForeignKey("pipeline.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="tasks")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="tasks")
    agreement = models.ForeignKey("contracts.Agreement", verbose_name=_("contract / order"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="tasks")
    # The follow-up or visit record whose "next step" created this task, if any.
    source_activity = models.ForeignKey("activities.Activity", verbose_name=_("created from"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="next_tasks")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "-priority", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="done", done_at__isnull=False) | ~Q(status="done"),
                                   name="task_done_has_time"),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="task_owner_idx"),
            models.Index(fields=["team", "status", "due_at"], name="task_team_idx"),
            models.Index(fields=["status", "due_at"], name="task_due_idx"),
            models.Index(fields=["customer"], name="task_customer_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:task-detail", args=[self.pk])

    def is_overdue(self, now=None) -> bool:
        return self.status == self.Status.OPEN and self.due_at < (now or timezone.now())


class Reminder(models.Model):
    """One reminder sent (in-app, and by e-mail when SMTP is configured). The unique key makes it fire once."""

    key = models.CharField(max_length=120, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return self.key
