"""Submitting and adjusting forecast calls, and the team roll-up a manager sees."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from salesflow.core.periods import parse_period
from salesflow.org import access
from salesflow.org.models import Role, User

from .models import ForecastAdjustment, ForecastSubmission


def _check_figures(commit, best_case):
    if commit < 0 or best_case < 0:
        raise ValidationError(_("Forecast figures cannot be negative."))
    if best_case < commit:
        raise ValidationError({"best_case": _("Best case cannot be lower than commit.")})


@transaction.atomic
def submit_forecast(*, actor: User, period_label: str, commit, best_case, note: str = "") -> ForecastSubmission:
    parse_period(period_label)  # raises ValueError with a clear message for a bad label
    _check_figures(commit, best_case)
    return ForecastSubmission.objects.create(owner=actor, period_label=period_label, commit=commit,
                                             best_case=best_case, note=note)


@transaction.atomic
def adjust_forecast(*, actor: User, submission: ForecastSubmission, commit, best_case, reason: str):
    if not actor.is_manager_or_above or submission.owner_id == actor.pk:
        raise PermissionDenied(_("Only a manager can adjust a subordinate's forecast."))
    if not access.oversees(actor, submission.owner):
        raise PermissionDenied(_("You can only adjust forecasts of your own team."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you adjust the forecast.")})
    _check_figures(commit, best_case)
    return ForecastAdjustment.objects.create(submission=submission, adjusted_by=actor, commit=commit,
                                             best_case=best_case, reason=reason.strip())


def team_members(manager: User):
    return (access.users_in_scope(manager).filter(role__in=[Role.REP, Role.MANAGER]).exclude(pk=manager.pk)
            .order_by("username"))


def team_rollup(manager: User, period_label: str) -> dict:
    """Each member's latest call for the period (adjusted figures where a manager adjusted) and the totals."""
    members = list(team_members(manager))
    latest: dict[int, ForecastSubmission] = {}
    submissions = (ForecastSubmission.objects.filter(period_label=period_label, owner__in=members)
                   .prefetch_related(Prefetch("adjustments", queryset=ForecastAdjustment.objects.select_related(
                       "adjusted_by"))).order_by("owner", "-submitted_at", "-id"))
    for submission in submissions:
        latest.setdefault(submission.owner_id, submission)
    rows, commit, best = [], 0, 0
    for member in members:
        submission = latest.get(member.pk)
        adjustment = submission.latest_adjustment if submission else None
        effective = adjustment or submission
        if effective:
            commit += effective.commit
            best += effective.best_case
        rows.append({"member": member, "submission": submission, "adjustment": adjustment})
    return {"rows": rows, "commit": commit, "best_case": best}


def history(owner_ids, period_label: str):
    return (ForecastSubmission.objects.filter(period_label=period_label, owner__in=owner_ids)
            .select_related("owner").prefetch_related("adjustments__adjusted_by").order_by("-submitted_at"))
