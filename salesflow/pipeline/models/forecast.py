"""Forecast submissions: each rep's call (commit and best case) per period, with managers' adjustments beside it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.money import MoneyField

__all__ = ["ForecastSubmission", "ForecastAdjustment"]


class ForecastSubmission(models.Model):
    """One call. Every submission is kept, so the history shows how a call changed week by week."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("whose forecast"), on_delete=models.CASCADE,
                              related_name="forecast_submissions")
    period_label = models.CharField(_("period"), max_length=10)
    commit = MoneyField(_("commit"))
    best_case = MoneyField(_("best case"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["period_label", "owner", "-submitted_at"], name="forecast_period_owner_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(best_case__gte=models.F("commit")),
                                              name="forecast_best_case_at_least_commit")]

    def __str__(self):
        return f"{self.owner} {self.period_label}: {self.commit}/{self.best_case}"

    @property
    def latest_adjustment(self):
        adjustments = list(self.adjustments.all())
        return adjustments[0] if adjustments else None


class ForecastAdjustment(models.Model):
    """A manager's correction of a subordinate's call; the original submission stays as it was."""

    submission = models.ForeignKey(ForecastSubmission, on_delete=models.CASCADE, related_name="adjustments")
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    commit = MoneyField(_("commit"))
    best_case = MoneyField(_("best case"))
    reason = models.CharField(_("reason"), max_length=300)
    adjusted_at = models.DateTimeField(_("adjusted"), default=timezone.now)

    class Meta:
        ordering = ["-adjusted_at", "-id"]

    def __str__(self):
        return f"{self.submission_id}: {self.commit}/{self.best_case}"
