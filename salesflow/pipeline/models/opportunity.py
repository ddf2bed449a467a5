"""Pipelines, stages, opportunities and their history (stage changes and amount/close-date changes as rows)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.core.validators import validate_business_date
from salesflow.org.access import OwnedQuerySet

ACCOUNT_UNKNOWN = _("Account unknown")  # an opportunity without a customer, in lists, exports and the API

__all__ = ["Pipeline", "Stage", "Reason", "Competitor", "Opportunity", "OpportunityLine", "StageChange",
           "OpportunityChange", "StageDurationStat"]


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls) -> "Pipeline":
        return cls.objects.filter(active=True).order_by("-is_default", "id").first()


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    win_rate = models.DecimalField(_("win rate (%)"), max_digits=5, decimal_places=2, default=Decimal("10"))
    key_actions = models.JSONField(_("key actions"), default=list, blank=True)
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "order"], name="stage_unique_order"),
            models.CheckConstraint(condition=Q(order__gte=1, order__lte=7), name="stage_order_1_to_7"),
            models.CheckConstraint(condition=Q(win_rate__gte=0, win_rate__lte=100), name="stage_win_rate_percent"),
        ]

    def __str__(self):
        return self.name


class Reason(models.Model):
    class Kind(models.TextChoices):
        WIN = "win", _("Win reason")
        LOSS = "loss", _("Loss reason")

    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Competitor(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OpportunityQuerySet(OwnedQuerySet):
    def tracking(self):
        return self.filter(status=Opportunity.Status.TRACKING)

    def won(self):
        return self.filter(status=Opportunity.Status.WON)

    def lost(self):
        return self.filter(status=Opportunity.Status.LOST)

    def closing_in(self, period):
        return self.filter(expected_close_date__range=(period.start, period.end))


class Opportunity(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Type(models.TextChoices):
        NEW_BUSINESS = "new_business", _("New business")
        UPSELL = "upsell", _("Upsell")
        CROSS_SELL = "cross_sell", _("Cross-sell")
        RENEWAL = "renewal", _("Renewal")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        TRACKING = "tracking", _("Tracking")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        SUSPENDED = "suspended", _("Suspended")

    class ForecastCategory(models.TextChoices):
        PIPELINE = "pipeline", _("Pipeline")
        BEST_CASE = "best_case", _("Best case")
        COMMIT = "commit", _("Commit")
        CLOSED = "closed", _("Closed")
        OMITTED = "omitted", _("Omitted")

    subject = models.CharField(_("subject"), max_length=200)
    # Empty when the account is not known yet (e.g. an imported deal without one); shown as "account unknown".
    # Opportunities created in the app (form, API, lead conversion) always name their customer.
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="opportunities", null=True, blank=True)
    contacts = models.ManyToManyField("customers.Contact", verbose_name=_("contacts"), blank=True,
                                      related_name="opportunities")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="opportunities")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    region = models.ForeignKey("org.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.NEW_BUSINESS)
    category = models.CharField(_("category"), max_length=60, blank=True)
    priority = models.CharField(_("priority"), max_length=6, choices=Priority.choices, default=Priority.MEDIUM)
    starred = models.BooleanField(_("starred"), default=False)
    source = models.CharField(_("source"), max_length=60, blank=True)
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities")
    amount = MoneyField(_("amount"), default=0)
    expected_close_date = models.DateField(_("expected close date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TRACKING)
    forecast_category = models.CharField(_("forecast category"), max_length=10, choices=ForecastCategory.choices,
                                         default=ForecastCategory.PIPELINE)
    win_reason = models.ForeignKey(Reason, verbose_name=_("win reason"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    loss_reason = models.ForeignKey(Reason, verbose_name=_("loss reason"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    competitors = models.ManyToManyField(Competitor, verbose_name=_("competitors"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    completed_actions = models.JSONField(_("completed key actions"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    stage_entered_at = models.DateTimeField(_("in stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_date_pushes = models.PositiveSmallIntegerField(_("close date pushed"), default=0)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    # The furthest stage (by order) its history has entered: kept by database triggers on the stage history and
    # on stage orders (pipeline 0011, models/rollup_sql.py) and never written back by a save (_do_update), so a
    # stale instance cannot undo a move. The conversion by stage reads it through the funnel roll-up.
    reached_order = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount_not_negative")]
        indexes = [
            # covers the funnel: COUNT and SUM(amount) per stage read from the index alone, also for one owner/team
            models.Index(fields=["status", "pipeline", "stage", "owner", "team", "amount"], name="opp_funnel_idx"),
            models.Index(fields=["owner", "status"], name="opp_owner_status_idx"),
            models.Index(fields=["team", "status"], name="opp_team_status_idx"),
            models.Index(fields=["expected_close_date", "status"], name="opp_close_date_idx"),
            # the list's "tracking, by close date" order read in index order, and the forecast's open rows
            # (team, owner, category, stage, amount per close date) read from the index alone
            # (pipeline last: the forecast filters on it, and without it in the index each row was a table lookup)
            models.Index(fields=["status", "expected_close_date", "owner", "team", "forecast_category", "stage",
                                 "amount", "pipeline"], name="opp_forecast_pipeline_idx"),
            models.Index(fields=["customer"], name="opp_customer_idx"),
            models.Index(fields=["created_at"], name="opp_created_idx"),
            # a group of reps' deals created or closed in a period (work report figures), and their ids alone
            models.Index(fields=["owner", "created_at"], include=["id"], name="opp_owner_created_idx"),
            # ... and their won deals per period summed by owner (leaderboards) from the index alone
            models.Index(fields=["owner", "closed_at"], include=["status", "team", "amount"],
                         name="opp_owner_closed_idx"),
            # closed deals per period (forecast, win rates) with owner, team and amount read from the index alone
            models.Index(fields=["closed_at", "status", "owner", "team", "amount", "pipeline"],
                         name="opp_won_pipeline_idx"),
        ]

    def __str__(self):
        return self.subject

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        values = [value for value in values if value[0].attname != "reached_order"]  # the triggers' alone
        return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)

    def get_absolute_url(self):
        return reverse("pipeline:detail", args=[self.pk])

    @property
    def customer_display(self) -> str:
        """The customer's name, or "account unknown" when the deal has no customer yet."""
        return str(self.customer) if self.customer_id else str(ACCOUNT_UNKNOWN)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.TRACKING, self.Status.SUSPENDED)

    def clean(self):
        super().clean()
        try:
            validate_business_date(self.expected_close_date)
        except ValidationError as exc:
            raise ValidationError({"expected_close_date": exc.error_list}) from None

    def missing_key_actions(self) -> list[str]:
        return [a for a in self.stage.key_actions if a not in (self.completed_actions or [])]

    def missing_key_actions_to(self, target) -> dict:
        """What moving forward to ``target`` leaves undone: the current stage's missing key actions and every key
        action of each stage skipped on the way (a skipped stage's actions were never ticked), by stage."""
        missing = {self.stage: self.missing_key_actions()}
        skipped = self.pipeline.stages.filter(order__gt=self.stage.order, order__lt=target.order).order_by("order")
        for stage in skipped:
            missing[stage] = list(stage.key_actions)
        return {stage: actions for stage, actions in missing.items() if actions}


class OpportunityLine(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive")]

    def __str__(self):
        return f"{self.product} × {self.quantity}"


class StageChange(models.Model):
    """One move of an opportunity: creation, a stage move, or a status change (won/lost/suspend/reopen)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    overridden = models.BooleanField(default=False)
    override_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            # include the stages: one rep's moves of a period read from the index alone (a probe per deal)
            models.Index(fields=["opportunity", "changed_at"], include=["from_stage", "to_stage"],
                         name="stagechange_opp_idx"),
            models.Index(fields=["to_stage", "changed_at"], name="stagechange_to_idx"),
            # the moves of a period (work report figures) read from the index alone
            models.Index(fields=["changed_at"], include=["opportunity", "from_stage", "to_stage"],
                         name="stagechange_changed_idx"),
        ]

    def __str__(self):
        return f"{self.opportunity_id}: {self.from_stage_id}->{self.to_stage_id} {self.to_status}"


class OpportunityChange(models.Model):
    """A change of amount or expected close date (for 'pipeline changes since' and push counts)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=24)
    old_value = models.CharField(max_length=40, blank=True)
    new_value = models.CharField(max_length=40, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["changed_at", "field"], name="oppchange_at_idx")]

    def __str__(self):
        return f"{self.opportunity_id}.{self.field}: {self.old_value} -> {self.new_value}"


class StageDurationStat(models.Model):
    """How long deals usually stay in a stage (from history), refreshed by the worker: the stalled-deal thresholds."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="duration_stat")
    p80_days = models.FloatField()
    p95_days = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.stage}: p80 {self.p80_days:.1f} d, p95 {self.p95_days:.1f} d"
