"""Target plans: for one fiscal year and one measure, the targets of every node of the organisation (company, team,
rep) for every period (year, quarter, month, optionally week), optionally further by a dimension (region, product
series, customer class). Top-down figures are ``amount``; figures a team or rep submits bottom-up are ``proposed``.
A plan is revised as a new revision; the approved one is what completion, scorecards and commission read."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.core.periods import parse_period

from .measures import Measure

__all__ = ["Target", "TargetPlan", "TargetSettings", "TargetSignOff"]


class TargetPlan(AuditedModel, VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    class TimeSplit(models.TextChoices):
        EVEN = "even", _("Evenly")
        SEASONAL = "seasonal", _("By last year's actuals (seasonality)")
        MANUAL = "manual", _("By hand")

    class OrgSplit(models.TextChoices):
        MANUAL = "manual", _("By hand")
        HEADCOUNT = "headcount", _("By headcount")
        LAST_YEAR = "last_year", _("By last year's share")

    year = models.PositiveSmallIntegerField(_("fiscal year"))
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="plans")
    revision = models.PositiveSmallIntegerField(_("revision"), default=Decimal("1.00"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    time_split = models.CharField(_("split over time"), max_length=10, choices=TimeSplit.choices,
                                  default=TimeSplit.EVEN)
    org_split = models.CharField(_("split over the organisation"), max_length=10, choices=OrgSplit.choices,
                                 default=OrgSplit.HEADCOUNT)
    with_weeks = models.BooleanField(_("down to weeks"), default=False)
    # The one optional further split of a node's target: "" (none), "region", "series" or "class".
    dimension_kind = models.CharField(_("further split by"), max_length=6, blank=True, default="")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("target plan")
        verbose_name_plural = _("target plans")
        ordering = ["-year", "measure", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "measure", "revision"], name="targetplan_unique_revision"),
            models.UniqueConstraint(fields=["year", "measure"], condition=Q(status="approved"),
                                    name="targetplan_one_approved"),
        ]

    def __str__(self):
        return f"{self.year} {self.measure} r{self.revision}"


class Target(models.Model):
    """One node's target for one period of a plan (and optionally one dimension value)."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="targets")
    # The node: the company (neither set), a team, or a person.
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    node = models.CharField(max_length=24, editable=False)  # "company" | "team:<id>" | "user:<id>": one key per node
    # "" (none), "region:<id>", "series:<name>" or "class:<A>"
    dimension = models.CharField(_("dimension"), max_length=80, blank=True)
    period = models.CharField(_("period"), max_length=10)  # core.periods label: 2027, 2027-Q1, 2027-03, 2027-W05
    period_kind = models.CharField(max_length=7, editable=False)
    starts_on = models.DateField(editable=False)
    ends_on = models.DateField(editable=False)
    amount = MoneyField(_("target"), default=0)
    proposed = MoneyField(_("proposed"), null=True, blank=True)  # submitted bottom-up by the node itself
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "starts_on", "period_kind", "node"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "node", "dimension", "period"], name="target_unique_cell"),
            models.CheckConstraint(condition=Q(team__isnull=True) | Q(user__isnull=True), name="target_one_node"),
        ]
        indexes = [
            models.Index(fields=["plan", "period_kind", "starts_on"], name="target_plan_period_idx"),
            models.Index(fields=["user", "starts_on"], name="target_user_idx"),
        ]

    def __str__(self):
        return f"{self.plan} {self.node} {self.period} {self.amount}"

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    @staticmethod
    def node_key(*, team=None, user=None) -> str:
        if user is not None:
            return f"user:{getattr(user, 'pk', user)}"
        if team is not None:
            return f"team:{getattr(team, 'pk', team)}"
        return "company"

    def fill_derived(self) -> "Target":
        """Set the node key and the period's kind and days from ``team``/``user`` and ``period`` (also call it
        before ``bulk_create``, which skips ``save``)."""
        period = parse_period(self.period)
        self.period, self.period_kind = period.label, period.kind
        self.starts_on, self.ends_on = period.start, period.end
        self.node = self.node_key(team=self.team_id, user=self.user_id)
        return self


class TargetSignOff(AuditedModel):
    """A manager's sign-off of their team's part of a draft plan (the team node and everything below it): its
    children added up and the reps' proposals were reviewed when they signed. ``fingerprint`` is the part's figures
    at that moment; when they change afterwards, the sign-off no longer counts (the page says so)."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="sign_offs")
    node = models.CharField(_("node"), max_length=24)  # "team:<id>"
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed off by"),
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now)
    fingerprint = models.CharField(max_length=64, editable=False)
    open_gaps = models.PositiveIntegerField(_("proposals differing from the top-down figure"), default=0)

    class Meta:
        verbose_name = _("target sign-off")
        verbose_name_plural = _("target sign-offs")
        constraints = [models.UniqueConstraint(fields=["plan", "node"], name="targetsignoff_one_per_node")]

    def __str__(self):
        return f"{self.plan} {self.node}"


class TargetSettings(AuditedModel):
    """The colouring of completion, stated once (one row): green when completion ≥ elapsed × ``green_ratio``,
    red when completion < elapsed × ``red_ratio``, amber between."""

    green_ratio = models.DecimalField(_("green from (share of time elapsed)"), max_digits=4, decimal_places=2,
                                      default=Decimal("1.00"))
    red_ratio = models.DecimalField(_("red below (share of time elapsed)"), max_digits=4, decimal_places=2,
                                    default=Decimal("0.80"))

    class Meta:
        verbose_name = _("target settings")
        verbose_name_plural = _("target settings")
        constraints = [models.CheckConstraint(condition=Q(red_ratio__lte=models.F("green_ratio")),
                                              name="targetsettings_red_below_green")]

    def __str__(self):
        return f"{self.green_ratio}/{self.red_ratio}"

    @classmethod
    def load(cls) -> "TargetSettings":
        return cls.objects.order_by("pk").first() or cls(pk=1)
