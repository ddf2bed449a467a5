"""Commission (提成): plans, their tiers, and each rep's statement per period with every line of the calculation.

The rules, stated once (``commission.services`` applies them; the plan page repeats them):

* **Which plan**: the plan in force on the period's last day (effective from ≤ day ≤ effective to). A plan naming
  the person wins over a plan for their role; among several, the one that took effect last.
* **Pay**: on-target earnings (OTE) per month, split into base and variable (``base_percent + variable_percent =
  100``). A quarter's OTE is three months'. Base pay = OTE × base %; the variable target = OTE × variable %.
* **Quota**: the rep's approved target for the plan's basis (signed or collected amount) for the period.
* **Measured on**: the person's own deals, or (a manager's plan) every deal of the people in their team and the
  teams below it; then the quota is the team's approved target, and each line names the rep whose deal it is.
* **Marginal tiers**: attainment = basis amount ÷ quota × 100. Each slice of attainment is paid at its own tier's
  rate (a tier covers [from %, to %) of quota; a rate is a percentage of the amount in that slice). So at exactly
  100% nothing is paid at the tier starting at 100%; at 100.01% the last 0.01% of quota is.
  Tiers above 100% with higher rates are the **accelerator**.
* **Decelerator**: when the period's attainment ends below ``decelerator_below`` %, every slice is paid at its
  tier's rate × ``decelerator_factor`` (e.g. 0.5 halves it, 0 pays nothing).
* **Cap**: commission earned in a period is at most ``cap_multiple`` × the variable target; the excess is taken off
  by a line of its own.
* **Rounding**: each line's commission is rounded half-up to the cent once; a statement's total is the sum of its
  lines (base pay is a line too).
* **Clawback**: a payment reversed, or an agreement terminated, after it was paid on in an earlier approved
  statement is taken back once, by a negative line in the rep's next statement naming it and the earlier statement.
"""

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
from salesflow.core.money import MoneyField
from salesflow.org.access import OwnedQuerySet
from salesflow.org.models import Role

__all__ = ["CommissionPlan", "CommissionStatement", "CommissionTier", "StatementLine"]

HUNDRED = Decimal(100)


def _pct(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2, **kwargs)


class CommissionPlanQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day), active=True,
                           effective_from__lte=day)


class CommissionPlan(AuditedModel, VersionedModel):
    class MeasuredOn(models.TextChoices):
        OWN = "own", _("Own deals")
        TEAM = "team", _("The team subtree's deals")

    class Basis(models.TextChoices):
        SIGNED = "signed_amount", _("Signed amount")
        COLLECTED = "collected_amount", _("Collected amount")

    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=10, blank=True, choices=Role.choices,
                            help_text=_("Applies to everyone with this role, unless a plan names them."))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("named people"), blank=True,
                                     related_name="commission_plans")
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    ote = MoneyField(_("on-target earnings per month"), validators=[MinValueValidator(0)])
    base_percent = _pct(_("base %"), default=Decimal(70))
    variable_percent = _pct(_("variable %"), default=Decimal(30))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, default=Basis.SIGNED)
    measured_on = models.CharField(_("measured on"), max_length=4, choices=MeasuredOn.choices,
                                   default=MeasuredOn.OWN)
    cap_multiple = models.DecimalField(_("cap (× variable target)"), max_digits=6, decimal_places=2, null=True,
                                       blank=True)
    decelerator_below = _pct(_("decelerator below attainment %"), null=True, blank=True)
    decelerator_factor = models.DecimalField(_("decelerator factor"), max_digits=4, decimal_places=2,
                                             default=Decimal("0.5"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CommissionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        ordering = ["-effective_from", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ote__gte=0), name="commissionplan_ote_not_negative"),
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F(
                "effective_from")), name="commissionplan_dates_ordered"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.base_percent is not None and self.variable_percent is not None:
            if self.base_percent + self.variable_percent != HUNDRED:
                errors["variable_percent"] = _("Base %% and variable %% must add up to 100 (now %(sum)s).") % {
                    "sum": self.base_percent + self.variable_percent}
            if self.base_percent < 0 or self.variable_percent < 0:
                errors["base_percent"] = _("Base % and variable % cannot be negative.")
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = _("Effective to must not be before effective from.")
        if self.cap_multiple is not None and self.cap_multiple <= 0:
            errors["cap_multiple"] = _("The cap must be more than 0 (leave it empty for no cap).")
        if self.decelerator_factor is not None and not (0 <= self.decelerator_factor <= 1):
            errors["decelerator_factor"] = _("The decelerator factor must be between 0 and 1.")
        if self.decelerator_below is not None and not (0 < self.decelerator_below <= HUNDRED):
            errors["decelerator_below"] = _("The decelerator threshold must be above 0 and at most 100.")
        if errors:
            raise ValidationError(errors)

    def period_ote(self, period) -> Decimal:
        months = {"month": 1, "quarter": 3, "year": 12}.get(period.kind, 1)
        return self.ote * months

    @staticmethod
    def validate_tiers(tiers) -> None:
        """``tiers``: (from %, to % or None, rate %) in order. Contiguous from 0, the last open-ended, rates ≥ 0."""
        if not tiers:
            raise ValidationError({"tiers": _("Add at least one tier.")})
        problems = []
        expected_from = Decimal(0)
        for i, (low, high, rate) in enumerate(tiers, start=1):
            if low != expected_from:
                problems.append(_("Tier %(n)s: from %% must be %(expected)s (tiers are contiguous from 0).")
                                % {"n": i, "expected": expected_from})
            if rate is None or rate < 0:
                problems.append(_("Tier %(n)s: the rate must be 0 or more.") % {"n": i})
            last = i == len(tiers)
            if high is None and not last:
                problems.append(_("Tier %(n)s: only the last tier may have no upper bound.") % {"n": i})
            if high is not None and last:
                problems.append(_("Tier %(n)s: the last tier must have no upper bound.") % {"n": i})
            if high is not None and low is not None and high <= low:
                problems.append(_("Tier %(n)s: to %% must be above from %%.") % {"n": i})
            expected_from = high
        if problems:
            raise ValidationError({"tiers": problems})


class CommissionTier(models.Model):
    plan = models.ForeignKey(CommissionPlan, on_delete=models.CASCADE, related_name="tiers")
    from_percent = _pct(_("from % of quota"))
    to_percent = _pct(_("to % of quota"), null=True, blank=True)
    rate = models.DecimalField(_("rate % of amount"), max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = _("commission tier")
        verbose_name_plural = _("commission tiers")
        ordering = ["plan", "from_percent"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "from_percent"], name="commissiontier_unique_from"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="commissiontier_rate_not_negative"),
        ]

    def __str__(self):
        upper = f"{self.to_percent}%" if self.to_percent is not None else "∞"
        return f"{self.from_percent}%–{upper}: {self.rate}%"

    @property
    def label(self) -> str:
        return str(self)


class CommissionStatement(AuditedModel, VersionedModel):
    ACCESS_OWNER = "user"
    ACCESS_TEAM = "user__team"
    FINANCE_READS = True

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed by manager")
        APPROVED = "approved", _("Approved by finance")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), on_delete=models.PROTECT,
                             related_name="commission_statements")
    plan = models.ForeignKey(CommissionPlan, verbose_name=_("commission plan"), on_delete=models.PROTECT,
                             related_name="statements")
    period = models.CharField(_("period"), max_length=10)
    period_kind = models.CharField(max_length=7)
    starts_on = models.DateField()
    ends_on = models.DateField()
    basis = models.CharField(_("basis"), max_length=20, choices=CommissionPlan.Basis.choices)
    quota = MoneyField(_("quota"), null=True, blank=True)  # None: no approved target (未设目标)
    basis_amount = MoneyField(_("basis amount"), default=0)
    attainment = models.DecimalField(_("attainment %"), max_digits=9, decimal_places=2, null=True, blank=True)
    variable_target = MoneyField(_("variable target"), default=0)
    base_pay = MoneyField(_("base pay"), default=0)
    total = MoneyField(_("total"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        ordering = ["-starts_on", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="commissionstatement_unique_period"),
        ]
        indexes = [
            models.Index(fields=["starts_on", "status"], name="commstatement_period_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.period}"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def commission(self) -> Decimal:
        return self.total - self.base_pay


class StatementLine(models.Model):
    class Kind(models.TextChoices):
        BASE = "base", _("Base pay")
        RECORD = "record", _("Commission")
        CAP = "cap", _("Cap")
        CLAWBACK = "clawback", _("Clawback")

    statement = models.ForeignKey(CommissionStatement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    agreement = models.ForeignKey("contracts.Agreement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    payment = models.ForeignKey("contracts.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    day = models.DateField(null=True, blank=True)
    amount = MoneyField(_("amount"), default=0)  # the part of the record's amount in this tier
    tier = models.ForeignKey(CommissionTier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tier_label = models.CharField(_("tier"), max_length=40, blank=True)
    rate = models.DecimalField(_("rate %"), max_digits=8, decimal_places=4, null=True, blank=True)
    commission = MoneyField(_("commission"))
    note = models.CharField(_("note"), max_length=300, blank=True)  # as rendered when computed (search, old rows)
    # The note as message + parameters (commission.calculation.Note), read in the reader's language.
    note_data = models.JSONField(null=True, blank=True, editable=False)
    # A clawback line: the earlier line it takes back (at most once, ever).
    clawback_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="clawed_back_by")

    class Meta:
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="statementline_unique_position"),
        ]
        indexes = [models.Index(fields=["payment"], name="statementline_payment_idx"),
                   models.Index(fields=["agreement"], name="statementline_agreement_idx")]

    def __str__(self):
        return f"{self.statement} #{self.position} {self.commission}"

    @property
    def note_text(self) -> str:
        """The note in the active language (lines computed before notes were stored as data: as stored)."""
        if not self.note_data:
            return self.note
        from salesflow.performance.commission.calculation import Note

        return str(Note.from_data(self.note_data))
