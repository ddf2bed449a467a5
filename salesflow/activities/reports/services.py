"""Work report actions (日报 / 周报 / 月报). The pages, the API and the jobs all go through these.

A report belongs to its owner: only they open, edit, submit and delete it. It stays editable until a manager has
reviewed it; it can be deleted only while a draft. Submitting freezes the period's figures into the report and
tells the owner's manager; a manager (anyone who oversees the owner) comments and marks it reviewed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.core.notifications import notify
from salesflow.core.periods import period_of
from salesflow.org import access
from salesflow.org.models import Role, Team

from ..models import ReportComment, ReportSettings, WorkReport
from .figures import period_figures

K = WorkReport.Kind
S = WorkReport.Status
TEXT_FIELDS = ("summary", "problems", "help_needed", "plan")
REPORTING_ROLES = (Role.REP, Role.MANAGER)  # who is expected to write reports (the "未提交" list)


# ---------------------------------------------------------------------------------------------------------------
# Periods and deadlines

def report_period(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days a report of ``kind`` containing ``day`` covers: that day, its ISO week (Mon–Sun), its month."""
    if kind == K.DAILY:
        return day, day
    if kind == K.WEEKLY:
        period = period_of("week", day)
    elif kind == K.MONTHLY:
        period = period_of("month", day)
    else:
        raise ValidationError({"kind": _("Choose a daily, weekly or monthly report.")})
    return period.start, period.end


def due_at(kind: str, period_start: datetime.date, settings: ReportSettings | None = None) -> datetime.datetime:
    """When the report of the period starting ``period_start`` is due (local time, from the admin's settings):
    a daily report the same day, a weekly one on the set weekday of that week, a monthly one on the set day of
    the next month."""
    settings = settings or ReportSettings.current()
    if kind == K.DAILY:
        day, at = period_start, settings.daily_due_time
    elif kind == K.WEEKLY:
        day = period_start + datetime.timedelta(days=settings.weekly_due_weekday - 1)
        at = settings.weekly_due_time
    else:
        first_next = (period_start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        day, at = first_next.replace(day=settings.monthly_due_day), settings.monthly_due_time
    if isinstance(at, str):  # an unsaved default ("20:00")
        at = datetime.time.fromisoformat(at)
    return datetime.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def save_report_settings(settings: ReportSettings, *, actor, changed: list[str]) -> int:
    """Save the admin's deadlines and move every unsubmitted report's deadline to follow them (a submitted report
    keeps the deadline it was judged against). Returns how many drafts moved."""
    access.require_role(actor, Role.ADMIN)
    settings.save()
    moved = []
    for report in WorkReport.objects.filter(status=WorkReport.Status.DRAFT).only("id", "kind", "period_start",
                                                                                   "due_at").iterator(2000):
        new_due = due_at(report.kind, report.period_start, settings)
        if report.due_at != new_due:
            report.due_at = new_due
            moved.append(report)
    WorkReport.objects.bulk_update(moved, ["due_at"], batch_size=2000)
    audit.record(settings, "update", changes={name: str(getattr(settings, name)) for name in changed},
                 note=_("%(count)s unsubmitted reports' deadlines moved") % {"count": len(moved)}, actor=actor)
    return len(moved)


# ---------------------------------------------------------------------------------------------------------------
# Who may do what

def may_write(user) -> bool:
    """Sales roles write reports; finance has no field work."""
    return access.can_create_pipeline_records(user)


def is_reviewer(actor, report: WorkReport) -> bool:
    """Someone other than the owner who oversees them (a manager of their team, a director, an admin)."""
    return (actor.pk != report.owner_id and access.can_view(actor, report)
            and access.oversees(actor, report.owner))


def can_edit(actor, report: WorkReport) -> bool:
    return actor.pk == report.owner_id and report.status != S.REVIEWED


def can_comment(actor, report: WorkReport) -> bool:
    return report.status != S.DRAFT and (actor.pk == report.owner_id or is_reviewer(actor, report))


def can_review(actor, report: WorkReport) -> bool:
    return report.status == S.SUBMITTED and is_reviewer(actor, report)


def _require_owner(actor, report: WorkReport) -> None:
    if actor.pk != report.owner_id:
        raise PermissionDenied(_("Only the author may change this report."))


def manager_of(user):
    """The manager of ``user``'s team, or of the nearest team above it that has one (never the user)."""
    if not user.team_id:
        return None
    path = Team.objects.filter(pk=user.team_id).values_list("path", flat=True).first() or ""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    team = (Team.objects.filter(pk__in=ids, manager__isnull=False, manager__is_active=True)
            .exclude(manager_id=user.pk).select_related("manager").order_by("-depth").first())
    return team.manager if team else None


def _locked(report: WorkReport, version: int | None = None) -> WorkReport:
    locked = WorkReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Actions

def open_report(*, actor, kind: str, day: datetime.date) -> WorkReport:
    """The actor's report of ``kind`` for the period containing ``day``, created (as a draft) if missing.
    Two requests at once create one report (the unique constraint decides; the loser reads the winner's)."""
    if not may_write(actor):
        raise PermissionDenied(_("Your role does not write work reports."))
    start, end = report_period(kind, day)
    existing = WorkReport.objects.filter(owner=actor, kind=kind, period_start=start).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return WorkReport.objects.create(owner=actor, team_id=actor.team_id, kind=kind, period_start=start,
                                             period_end=end, due_at=due_at(kind, start))
    except IntegrityError:
        return WorkReport.objects.get(owner=actor, kind=kind, period_start=start)


@transaction.atomic
def save_report(report: WorkReport, *, actor, data: dict, version: int) -> WorkReport:
    """The author's text (summary, problems, help needed, plan); editable until reviewed."""
    _require_owner(actor, report)
    unknown = set(data) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    report = _locked(report, version)
    if report.status == S.REVIEWED:
        raise ValidationError(_("This report has been reviewed and can no longer be changed."))
    for field, value in data.items():
        setattr(report, field, (value or "").strip())
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def submit_report(report: WorkReport, *, actor, version: int, now: datetime.datetime | None = None) -> WorkReport:
    """Submit: freeze the period's figures, stamp the time (late after the deadline), tell the manager."""
    _require_owner(actor, report)
    report = _locked(report, version)
    if report.status != S.DRAFT:
        raise ValidationError(_("This report has already been submitted."))
    if not (report.summary or "").strip():
        raise ValidationError({"summary": _("Write the summary before submitting.")})
    now = now or timezone.now()
    report.figures = period_figures(owner_ids=[report.owner_id], start=report.period_start, end=report.period_end,
                                    now=now)
    report.status = S.SUBMITTED
    report.submitted_at = now
    report.save()
    manager = manager_of(report.owner)
    if manager is not None:
        text = _("%(person)s submitted %(report)s (%(period)s)") % {
            "person": report.owner, "report": report.get_kind_display(), "period": period_label(report)}
        if report.is_late:
            text += _(" — late")
        notify(recipient=manager, text=text, url=report.get_absolute_url(), kind="report_submitted")
    return report


@transaction.atomic
def comment_on(report: WorkReport, *, actor, text: str) -> ReportComment:
    """A comment by the author or by someone who oversees them; the other side is told."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    if not can_comment(actor, report):
        if report.status == S.DRAFT:
            raise ValidationError(_("A draft report cannot be commented on yet."))
        raise PermissionDenied(_("You may not comment on this report."))
    comment = ReportComment.objects.create(report=report, author=actor, text=text)
    audit.record(report, "action", changes={"comment": comment.pk, "text": text[:200]}, note="comment",
                 actor=actor)
    recipient = report.owner if actor.pk != report.owner_id else (report.reviewed_by or manager_of(report.owner))
    if recipient is not None and recipient.pk != actor.pk:
        notify(recipient=recipient, kind="report_comment", url=report.get_absolute_url(),
               text=_("%(person)s commented on %(report)s (%(period)s): %(text)s") % {
                   "person": actor, "report": report.get_kind_display(), "period": period_label(report),
                   "text": text[:200]})
    return comment


@transaction.atomic
def mark_reviewed(report: WorkReport, *, actor) -> WorkReport:
    """A manager (not the author) marks a submitted report as read."""
    report = _locked(report)
    if actor.pk == report.owner_id:
        raise PermissionDenied(_("You cannot review your own report."))
    if not is_reviewer(actor, report):
        raise PermissionDenied(_("You may not review this report."))
    if report.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be marked as reviewed."))
    report.status = S.REVIEWED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save()
    notify(recipient=report.owner, kind="report_reviewed", url=report.get_absolute_url(),
           text=_("%(person)s reviewed your %(report)s (%(period)s)") % {
               "person": actor, "report": report.get_kind_display(), "period": period_label(report)})
    return report


@transaction.atomic
def delete_report(report: WorkReport, *, actor) -> None:
    """The author deletes a draft; a submitted report is history and is never deleted."""
    _require_owner(actor, report)
    report = _locked(report)
    if report.status != S.DRAFT:
        raise ValidationError(_("A submitted report cannot be deleted."))
    report.delete()


def reporting_people(viewer, *, missing_kind: str | None = None, day: datetime.date | None = None):
    """A queryset of the reps and managers ``viewer`` oversees who are expected to write reports (team, then
    display-name order); with ``missing_kind``, only those without a submitted report of that kind for the period
    containing ``day``. Pages slice it (``core.paging.page_of``)."""
    people = access.users_in_scope(viewer).filter(role__in=REPORTING_ROLES)
    if missing_kind:
        start, _end = report_period(missing_kind, day)
        submitted = WorkReport.objects.submitted().filter(kind=missing_kind, period_start=start).values("owner_id")
        people = people.exclude(pk__in=submitted)
    return people.select_related("team").order_by("team__path", "display_name", "username", "pk")


def missing_reports(viewer, *, kind: str, day: datetime.date) -> list:
    """Reps and managers ``viewer`` oversees who have not submitted their ``kind`` report for the period
    containing ``day`` (display-name order)."""
    if not may_write(viewer):
        return []
    return list(reporting_people(viewer, missing_kind=kind, day=day))


def period_label(report: WorkReport) -> str:
    """'2026-11-23', '2026-W48 (11-23 – 11-29)', '2026-11'."""
    if report.kind == K.DAILY:
        return report.period_start.isoformat()
    if report.kind == K.WEEKLY:
        iso = report.period_start.isocalendar()
        return f"{iso.year}-W{iso.week:02d} ({report.period_start:%m-%d} – {report.period_end:%m-%d})"
    return f"{report.period_start:%Y-%m}"
