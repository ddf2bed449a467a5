"""Work report pages: today's daily report, the list (mine, and the team's for a manager, with the "not submitted"
list), a report (figures, text, submit, comments, review), the team summary, export, and the admin's deadlines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.paging import page_of
from salesflow.org import access
from salesflow.org.models import Role

from ..models import ReportSettings, WorkReport
from . import services
from .figures import FIGURES, figure_links, figure_rows, figures_by_owner, kind_rows, period_figures
from .forms import CommentForm, PeriodForm, ReportFilterForm, ReportSettingsForm, ReportTextForm, text_sections

K = WorkReport.Kind


MISSING_SHOWN = 30  # names of people without a submitted report shown on the report list


def _require_sales(user) -> None:
    if not services.may_write(user):
        raise PermissionDenied(_("Your role does not write work reports."))


def _report(request, pk):
    return access.get_visible_or_404(WorkReport.objects.select_related("owner", "team", "reviewed_by"),
                                     request.user, pk=pk)


@login_required
def report_today(request):
    """The phone's way in: today's daily report, opened (created as a draft) and shown."""
    _require_sales(request.user)
    report = services.open_report(actor=request.user, kind=K.DAILY, day=timezone.localdate())
    return redirect(report)


@login_required
@require_POST
def report_open(request):
    """Open (or create) the actor's report of a kind for the period containing a day."""
    _require_sales(request.user)
    form = PeriodForm(request.POST)
    kind, day, _start, _end = form.period()
    return redirect(services.open_report(actor=request.user, kind=kind, day=day))


EXPORT_HEADERS = [gettext_lazy("Kind"), gettext_lazy("Period start"), gettext_lazy("Period end"),
                  gettext_lazy("Author"), gettext_lazy("Team"), gettext_lazy("Status"), gettext_lazy("Due"),
                  gettext_lazy("Submitted at"), gettext_lazy("Late"), gettext_lazy("Reviewed by"),
                  gettext_lazy("Summary"), gettext_lazy("Problems"), gettext_lazy("Support needed"),
                  gettext_lazy("Plan"), *[label for _key, label, _money in FIGURES]]


def _export_rows(reports):
    kinds, statuses = dict(K.choices), dict(WorkReport.Status.choices)
    for r in reports.iterator(chunk_size=2000):
        local = timezone.localtime
        yield [str(kinds[r.kind]), r.period_start.isoformat(), r.period_end.isoformat(), str(r.owner),
               r.team.name if r.team else "", str(statuses[r.status]), f"{local(r.due_at):%Y-%m-%d %H:%M}",
               f"{local(r.submitted_at):%Y-%m-%d %H:%M}" if r.submitted_at else "",
               _("Yes") if r.is_late else "", str(r.reviewed_by) if r.reviewed_by else "",
               r.summary, r.problems, r.help_needed, r.plan,
               *[r.figures.get(key, "") for key, _label, _money in FIGURES]]


@login_required
def report_list(request):
    _require_sales(request.user)
    form = ReportFilterForm(request.GET or None, user=request.user)
    reports = WorkReport.objects.visible_to(request.user)
    reports = form.apply(reports) if request.GET else reports
    reports = reports.select_related("owner", "team", "reviewed_by").order_by("-period_start", "kind", "owner_id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(fmt=request.GET["export"], filename="work-reports",
                               headers=[str(h) for h in EXPORT_HEADERS], rows=_export_rows(reports),
                               audit_target=request.user, note=f"work reports {request.GET.urlencode()}")
    page, query_string = page_of(request, reports.annotate(comment_count=Count("comments")))
    context = {"page": page, "form": form, "query_string": query_string, "now": timezone.now(),
               "is_manager": request.user.is_manager_or_above, "kinds": K.choices, "today": timezone.localdate()}
    if request.user.is_manager_or_above:
        period_form = PeriodForm({"kind": request.GET.get("missing_kind") or K.DAILY,
                                  "day": request.GET.get("day") or ""})
        kind, day, start, end = period_form.period()
        # The first names only; the team summary pages through all of them ("only those who have not submitted").
        missing = list(services.reporting_people(request.user, missing_kind=kind, day=day)[:MISSING_SHOWN + 1])
        context.update(missing=missing[:MISSING_SHOWN], missing_more=len(missing) > MISSING_SHOWN,
                       missing_kind=kind, missing_day=day, missing_start=start, missing_end=end,
                       missing_kind_label=dict(K.choices)[kind])
    return render(request, "activities/reports/report_list.html", context)


def _text_form_post(request, report):
    """Save the author's text and, when asked, submit: both in one transaction."""
    form = ReportTextForm(request.POST, report=report)
    if not form.is_valid():
        return form
    try:
        with transaction.atomic():
            saved = services.save_report(report, actor=request.user, data=form.text(),
                                         version=form.cleaned_data["version"])
            if request.POST.get("action") == "submit":
                services.submit_report(saved, actor=request.user, version=saved.version)
    except StaleEditError:
        form.add_error(None, StaleEditError.message)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    else:
        messages.success(request, _("Report submitted.") if request.POST.get("action") == "submit"
                         else _("Report saved."))
        return None
    return form


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    user = request.user
    can_edit = services.can_edit(user, report)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only the author may change this report."))
        form = _text_form_post(request, report)
        if form is None:
            return redirect(report)
    elif can_edit:
        form = ReportTextForm(report=report)
    live = report.status == WorkReport.Status.DRAFT
    figures = (period_figures(owner_ids=[report.owner_id], start=report.period_start, end=report.period_end)
               if live else report.figures)
    links = figure_links(owner_ids=[report.owner_id], start=report.period_start, end=report.period_end)
    context = {
        "report": report, "form": form, "can_edit": can_edit, "live": live,
        "figures": figure_rows(figures, links), "kind_rows": kind_rows(figures),
        "texts": text_sections(report), "period_label": services.period_label(report),
        "overdue": live and timezone.now() > report.due_at,
        "comments": report.comments.select_related("author"),
        "comment_form": CommentForm() if services.can_comment(user, report) else None,
        "can_review": services.can_review(user, report),
        "can_delete": user.pk == report.owner_id and live,
    }
    return render(request, "activities/reports/report_detail.html", context, status=400 if form and form.errors
                  else 200)


def _act(request, pk, run, done):
    report = _report(request, pk)
    try:
        run(report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(report)


@login_required
@require_POST
def report_comment(request, pk):
    form = CommentForm(request.POST)
    text = form.data.get("text", "")
    return _act(request, pk, lambda r: services.comment_on(r, actor=request.user, text=text), _("Comment added."))


@login_required
@require_POST
def report_review(request, pk):
    return _act(request, pk, lambda r: services.mark_reviewed(r, actor=request.user), _("Marked as reviewed."))


@login_required
@require_POST
def report_delete(request, pk):
    report = _report(request, pk)
    try:
        services.delete_report(report, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect(report)
    messages.success(request, _("Draft deleted."))
    return redirect("activities:report-list")


@login_required
def report_team(request):
    """A manager's summary: the team's figures for a period together and per person, with each one's report."""
    user = request.user
    _require_sales(user)
    if not user.is_manager_or_above:
        raise PermissionDenied(_("The team summary is for managers."))
    form = PeriodForm(request.GET or None)
    kind, day, start, end = form.period()
    only_missing = form.is_valid() and form.cleaned_data["missing"]
    everyone = services.reporting_people(user)
    ids = list(everyone.values_list("pk", flat=True))  # the team together: everyone, whatever the page
    page, query_string = page_of(request, services.reporting_people(
        user, missing_kind=kind if only_missing else None, day=day))
    people = list(page.object_list)
    page_ids = [p.pk for p in people]
    reports = {r.owner_id: r for r in WorkReport.objects.visible_to(user).filter(
        owner_id__in=page_ids, kind=kind, period_start=start).only(
        "id", "owner_id", "status", "submitted_at", "due_at")}
    per_person = figures_by_owner(owner_ids=page_ids, start=start, end=end)
    team = period_figures(owner_ids=ids, start=start, end=end)
    rows = [{"person": p, "report": reports.get(p.pk),
             "cells": [(label, per_person[p.pk][key], is_money) for key, label, is_money in FIGURES]}
            for p in people]
    return render(request, "activities/reports/report_team.html", {
        "form": form, "kind": kind, "start": start, "end": end, "rows": rows, "page": page,
        "query_string": query_string, "only_missing": only_missing,
        "figures": figure_rows(team, figure_links(owner_ids=ids, start=start, end=end)),
        "kind_rows": kind_rows(team), "columns": FIGURES, "kinds": K.choices, "day": day,
    })


@login_required
def report_settings(request):
    access.require_role(request.user, Role.ADMIN)
    form = ReportSettingsForm(request.POST or None, instance=ReportSettings.current())
    if request.method == "POST" and form.is_valid():
        moved = services.save_report_settings(form.save(commit=False), actor=request.user,
                                              changed=form.changed_data)
        messages.success(request, _("Settings saved; %(count)s unsubmitted reports now have the new deadlines.")
                         % {"count": moved})
        return redirect("activities:report-settings")
    return render(request, "activities/reports/settings.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
