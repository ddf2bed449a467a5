"""KPIs as data (a library of formulas over the computed figures), values entered by hand for the KPIs nothing
computes (market share, training hours), and scorecards: per role, KPIs with weights (summing to 100%) and targets."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.periods import parse_period

from .. import figures

__all__ = ["Kpi", "ManualValue", "Scorecard", "ScorecardItem"]


class Kpi(AuditedModel):
    """One KPI: a formula over computed figures, a direction and a unit. The built-in library comes by migration."""

    class Family(models.TextChoices):
        RESULT = "result", _("Results")
        PROCESS = "process", _("Process")
        TEAM = "team", _("Team")
        DEVELOPMENT = "development", _("Development")

    class Formula(models.TextChoices):
        FIGURE = "figure", _("A figure")
        RATIO = "ratio", _("Figure A ÷ figure B")
        PER_HEAD = "per_head", _("A figure ÷ headcount")
        VS_TARGET = "vs_target", _("A figure ÷ its approved target")
        GROWTH = "growth", _("Growth vs the same period last year")
        MANUAL = "manual", _("Entered by hand")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Unit(models.TextChoices):
        AMOUNT = "amount", _("Amount (yuan)")
        COUNT = "count", _("Count")
        PERCENT = "percent", _("Percent")
        DAYS = "days", _("Days")
        HOURS = "hours", _("Hours")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, blank=True,
                            help_text=_("Empty: the built-in name, in the reader's language."))
    family = models.CharField(_("family"), max_length=12, choices=Family.choices)
    formula = models.CharField(_("formula"), max_length=10, choices=Formula.choices)
    figure = models.CharField(_("figure"), max_length=40, blank=True)
    denominator = models.CharField(_("divided by figure"), max_length=40, blank=True)
    measure = models.CharField(_("target measure"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["order", "id"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        from ..kpis.library import BUILT_IN_NAMES

        return self.name or str(BUILT_IN_NAMES.get(self.key, self.key))

    @property
    def higher_is_better(self) -> bool:
        return self.direction == self.Direction.HIGHER

    def figures_needed(self) -> list[str]:
        return [f for f in (self.figure, self.denominator) if f]

    def clean(self):
        needs = {self.Formula.RATIO: ("figure", "denominator"), self.Formula.VS_TARGET: ("figure", "measure"),
                 self.Formula.MANUAL: ()}.get(self.formula, ("figure",))
        errors = {}
        for field in needs:
            if not getattr(self, field):
                errors[field] = _("This formula needs this field.")
        for field in ("figure", "denominator"):
            value = getattr(self, field)
            if value and value not in figures.FIGURES:
                errors[field] = _("Choose a figure the system computes.")
        if errors:
            raise ValidationError(errors)


class ManualValue(AuditedModel):
    """A KPI value entered by hand for one person or one team and one period (market share, training hours)."""

    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="manual_values",
                            limit_choices_to={"formula": Kpi.Formula.MANUAL})
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    period = models.CharField(_("period"), max_length=10)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI value entered by hand")
        verbose_name_plural = _("KPI values entered by hand")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(team__isnull=True), name="manualvalue_one_node"),
            models.UniqueConstraint(fields=["kpi", "user", "period"], condition=Q(user__isnull=False),
                                    name="manualvalue_unique_user"),
            models.UniqueConstraint(fields=["kpi", "team", "period"], condition=Q(team__isnull=False),
                                    name="manualvalue_unique_team"),
        ]
        indexes = [models.Index(fields=["kpi", "period"], name="manualvalue_kpi_period_idx")]

    def clean(self):
        try:
            parse_period(self.period)
        except ValueError as error:
            raise ValidationError({"period": str(error)}) from None


class Scorecard(AuditedModel, VersionedModel):
    """The scorecard of a role: its KPIs, weights and targets (a rep's own; a manager's = their team's)."""

    class Role(models.TextChoices):
        REP = "rep", _("Sales rep")
        MANAGER = "manager", _("Manager")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, unique=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self):
        return str(self.get_role_display())


class ScorecardItem(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="items")
    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("Weight"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    approved_target = models.BooleanField(_("use the approved target"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "kpi"], name="scorecarditem_unique_kpi"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="scorecarditem_weight_range"),
        ]

    def __str__(self):
        return f"{self.kpi} {self.weight}%"
