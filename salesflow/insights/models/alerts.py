"""Alert rules and the alerts they raise, with their history.

A rule watches one metric (``insights.alerts.metrics``: each finding is a record or a person with a value where
higher is worse), over some teams and roles, with a yellow and a red threshold, an evaluation interval and an
escalation path (the rep, then their manager, then the directors, when red persists N days). An alert is one open
finding of a rule: raised, its level changing, escalated, acknowledged and resolved — each step an
:class:`AlertEvent` naming who (or the system) did it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.org.access import OwnedQuerySet

__all__ = ["Alert", "AlertEvent", "AlertRule"]

RATE = {"max_digits": 12, "decimal_places": 2}


class Level(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class AlertRule(AuditedModel, VersionedModel):
    metric = models.CharField(_("metric"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Empty: the metric's own name."))
    active = models.BooleanField(_("active"), default=True)
    yellow_at = models.DecimalField(_("yellow from"), **RATE)
    red_at = models.DecimalField(_("red from"), **RATE)
    every_minutes = models.PositiveIntegerField(_("evaluate every (minutes)"), default=60)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate after (days red)"), default=3, help_text=_("0: never. Red for this many days goes to the "
                                                               "manager, as many more to the directors."))
    teams = models.ManyToManyField("org.Team", verbose_name=_("teams"), blank=True, related_name="+",
                                   help_text=_("Empty: every team."))
    roles = models.JSONField(_("roles"), default=list, blank=True)  # owners' roles watched; empty: every role
    channels = models.ManyToManyField("insights.Channel", verbose_name=_("also send to"), blank=True,
                                      related_name="rules")
    last_evaluated_at = models.DateTimeField(_("last evaluated"), null=True, blank=True, editable=False)
    last_result = models.CharField(_("last result"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(red_at__gte=models.F("yellow_at")),
                                              name="alertrule_red_beyond_yellow")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        from salesflow.insights.alerts.metrics import METRICS

        metric = METRICS.get(self.metric)
        return self.name or (str(metric.label) if metric else self.metric)

    def level_of(self, value) -> str:
        if value is None or value < self.yellow_at:
            return Level.GREEN
        return Level.RED if value >= self.red_at else Level.YELLOW

    def is_due(self, now=None) -> bool:
        now = now or timezone.now()
        return self.active and (self.last_evaluated_at is None
                                or (now - self.last_evaluated_at).total_seconds() >= self.every_minutes * 60 - 30)


class AlertQuerySet(OwnedQuerySet):
    def open(self):
        return self.exclude(status=Alert.Status.RESOLVED)

    def for_user(self, user):
        """What ``user`` sees: the alerts of the records their role and place allow, and those escalated to them."""
        return self.filter(Q(pk__in=self.visible_to(user).values("pk")) | Q(escalated_to=user))


class Alert(models.Model):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"
    FINANCE_READS = True  # overdue receivables concern finance

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    rule = models.ForeignKey(AlertRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=60)  # what it is about, e.g. "opportunity:12", "user:7", "team:3"
    subject = models.CharField(_("about"), max_length=200)
    url = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    value = models.DecimalField(_("value"), **RATE)
    message = models.CharField(_("message"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    level_since = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    escalation = models.PositiveSmallIntegerField(_("escalation"), default=0)  # 0 owner, 1 manager, 2 directors
    escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], condition=~Q(status="resolved"),
                                               name="alert_one_open_per_subject")]
        indexes = [models.Index(fields=["status", "level"], name="alert_status_idx"),
                   models.Index(fields=["owner", "status"], name="alert_owner_idx"),
                   models.Index(fields=["team", "status"], name="alert_team_idx")]

    def __str__(self):
        return f"{self.rule}: {self.subject}"


class AlertEvent(models.Model):
    class Action(models.TextChoices):
        RAISED = "raised", _("Raised")
        LEVEL = "level", _("Level changed")
        ESCALATED = "escalated", _("Escalated")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")
        CLEARED = "cleared", _("Cleared by itself")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")  # None: the system
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.alert_id} {self.action}"
