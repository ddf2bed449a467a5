"""Sales reports (周报 / 月报 / 季报) with their history, the subscriptions that schedule them, and review documents.

The file of a report is stored in the row (``BinaryField``): a report is tens of kilobytes, it commits or vanishes
together with its row, it is backed up with the database, and workers on several hosts need no shared file storage.
Lists defer the column (``without_content``) so a history page never reads the files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel

__all__ = ["ReportSubscription", "ReviewDocument", "SalesReport"]


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly report")
    MONTHLY = "monthly", _("Monthly report")
    QUARTERLY = "quarterly", _("Quarterly report")


class ReportLanguage(models.TextChoices):
    ZH = "zh-hans", _("Chinese")
    EN = "en", _("English")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


CONTENT_TYPES = {ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ReportFormat.PDF: "application/pdf"}


def scope_q(user, team_field: str = "team") -> Q:
    """The reports (and review documents) ``user`` may see: director, admin and finance all; a manager those of his
    team's subtree (never the company's); nobody else any. The same rule as ``reports.data.may_report_on``."""
    from salesflow.org import access
    from salesflow.org.models import Role

    if user is None:
        return Q()
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if access.effective_scope(user) == "all" or access.is_finance(user):
        return Q()
    if user.role == Role.MANAGER and access.effective_scope(user) == "team":
        return Q(**{f"{team_field}__in": access.team_subtree_ids(user)})
    return Q(pk__in=[])


class ReportSubscription(AuditedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text=_("Empty: the company."))
    lang = models.CharField(_("language"), max_length=8, choices=ReportLanguage.choices, default=ReportLanguage.ZH)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.XLSX)
    channel = models.ForeignKey("insights.Channel", verbose_name=_("channel"), on_delete=models.CASCADE,
                                related_name="report_subscriptions")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.team or _('Company')} → {self.channel}"


class SalesReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user))

    def without_content(self):
        return self.defer("content")


class SalesReport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Generation failed")

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=10)  # core.periods label: 2026-W47, 2026-10, 2026-Q3
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    lang = models.CharField(_("language"), max_length=8, choices=ReportLanguage.choices, default=ReportLanguage.ZH)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.XLSX)
    title = models.CharField(_("title"), max_length=200, blank=True)
    headline = models.TextField(_("headline figures"), blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(_("error"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")  # None: the schedule
    subscription = models.ForeignKey(ReportSubscription, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="reports")

    objects = SalesReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales report")
        verbose_name_plural = _("sales reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Two workers running the schedule at once never make one subscription's report twice.
            models.UniqueConstraint(fields=["subscription", "period"], condition=Q(subscription__isnull=False),
                                    name="salesreport_once_per_subscription_period"),
            models.CheckConstraint(condition=Q(status="pending") | Q(status="failed") | Q(content__isnull=False),
                                   name="salesreport_ready_has_content"),
        ]
        indexes = [models.Index(fields=["team", "-requested_at"], name="salesreport_team_idx")]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {self.period}"

    @property
    def filename(self) -> str:
        scope = f"team{self.team_id}" if self.team_id else "company"
        return f"salesflow-{self.kind}-{self.period}-{scope}-{self.lang}.{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


class ReviewDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user))


class ReviewDocument(AuditedModel, VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    period = models.CharField(_("period"), max_length=10)  # a quarter (2026-Q3) or a year (2026)
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    results = models.TextField(_("Results review"), blank=True)  # 成果回顾
    causes = models.TextField(_("Cause analysis"), blank=True)  # 原因分析
    lessons = models.TextField(_("Lessons learned"), blank=True)  # 经验总结
    improvements = models.TextField(_("Improvement plan"), blank=True)  # 改进计划
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReviewDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review document")
        verbose_name_plural = _("review documents")
        ordering = ["-period", "-id"]

    def __str__(self):
        return f"{self.period} · {self.team or _('Company')}"
