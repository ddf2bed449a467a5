"""Document numbers from a configurable rule, e.g. ``HT-{yyyy}{mm}-{seq:04}``: unique and never reused.

The counter is a row per rule and period, incremented under a row lock (``select_for_update``), so two
concurrent documents never get the same number; a number once handed out is never handed out again, even if
its document is later deleted (the counter only goes up)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberingRule(models.Model):
    class Kind(models.TextChoices):
        QUOTATION = "quotation", _("Quotation")
        CONTRACT = "contract", _("Contract")
        ORDER = "order", _("Order")
        INVOICE_REQUEST = "invoice_request", _("Invoice request")

    class Reset(models.TextChoices):
        NEVER = "never", _("Never")
        YEARLY = "yearly", _("Every year")
        MONTHLY = "monthly", _("Every month")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices, unique=True)
    # Placeholders: {yyyy} {yy} {mm} {dd} and {seq} with an optional width, e.g. {seq:04}.
    pattern = models.CharField(_("pattern"), max_length=60)
    reset = models.CharField(_("counter restarts"), max_length=10, choices=Reset.choices, default=Reset.MONTHLY)

    class Meta:
        verbose_name = _("numbering rule")
        verbose_name_plural = _("numbering rules")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.pattern}"


class NumberSequence(models.Model):
    rule = models.ForeignKey(NumberingRule, on_delete=models.CASCADE, related_name="sequences")
    period = models.CharField(max_length=8, blank=True)  # "" (never), "2026" (yearly) or "202611" (monthly)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "period"], name="number_sequence_per_period")]

    def __str__(self):
        return f"{self.rule_id}/{self.period}: {self.last}"
