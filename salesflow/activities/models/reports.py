"""Work reports (工作报告): the daily report (日报), the weekly plan and summary (周计划 / 周总结) and the monthly
summary with next month's key points (月工作总结和下月工作要点).

A report covers one period of its owner. Its figures are pre-filled from the period's records and frozen into
``figures`` when it is submitted (so a later correction of a record does not rewrite what the manager reviewed);
the rep writes the text. A submitted report cannot be deleted; the manager comments and marks it reviewed."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.org.access import OwnedQuerySet


class WorkReportQuerySet(OwnedQuerySet):
    def submitted(self):
        return self.exclude(status=WorkReport.Status.DRAFT)


class WorkReport(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily report")  # 日报
        WEEKLY = "weekly", _("Weekly report")  # 周报 (本周总结 + 下周计划)
        MONTHLY = "monthly", _("Monthly report")  # 月报 (本月总结 + 下月工作要点)

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("report status", "Draft")  # 草稿
        SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")  # 已提交
        REVIEWED = "reviewed", pgettext_lazy("report status", "Reviewed")  # 已审阅

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="work_reports")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The rep's own words.
    summary = models.TextField(_("work summary"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    plan = models.TextField(_("plan for the next period"), blank=True)
    # The pre-filled figures as they stood when submitted (empty while a draft: drafts show live figures).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    due_at = models.DateTimeField(_("due"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WorkReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-period_start", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "period_start"], name="workreport_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="workreport_period_order"),
            models.CheckConstraint(condition=Q(status="draft") | Q(submitted_at__isnull=False),
                                   name="workreport_submitted_has_time"),
        ]
        indexes = [
            models.Index(fields=["team", "kind", "period_start"], name="workreport_team_idx"),
            models.Index(fields=["owner", "kind", "-period_start"], name="workreport_owner_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("activities:report-detail", args=[self.pk])

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at > self.due_at


class ReportComment(models.Model):
    """A manager's (or the rep's reply) comment on a report; comments are history, never edited."""

    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:40]


class ReportSettings(models.Model):
    """When reports are due (set by the admin; one row)."""

    daily_due_time = models.TimeField(_("daily report due at (same day)"), default="20:00")
    weekly_due_weekday = models.PositiveSmallIntegerField(
        _("weekly report due on (weekday of the week it covers, 1 = Monday)"), default=5)
    weekly_due_time = models.TimeField(_("weekly report due at"), default="18:00")
    monthly_due_day = models.PositiveSmallIntegerField(_("monthly report due on (day of the next month)"), default=3)
    monthly_due_time = models.TimeField(_("monthly report due at"), default="18:00")

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [
            models.CheckConstraint(condition=Q(weekly_due_weekday__gte=1, weekly_due_weekday__lte=7),
                                   name="reportsettings_weekday_range"),
            models.CheckConstraint(condition=Q(monthly_due_day__gte=1, monthly_due_day__lte=28),
                                   name="reportsettings_monthly_day_range"),
        ]

    def __str__(self):
        return "report settings"

    @classmethod
    def current(cls) -> "ReportSettings":
        return cls.objects.order_by("pk").first() or cls()
