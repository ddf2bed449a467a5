import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.periods import period_of
from salesflow.core.replica import heavy_reads
from salesflow.org import access
from salesflow.org.models import Role

from .. import services
from .cycle import sales_cycle
from .filters import AnalyticsFilter, visible
from .forecast import forecast, forecast_breakdown
from .funnel import funnel_for
from .stalled import stalled_levels, stalled_queryset
from .winrates import win_rates


def _filters(request):
    form = AnalyticsFilter(request.GET or None)
    form.is_valid()
    return form, form.selected_pipeline()


@login_required
@heavy_reads
def funnel_page(request):
    form, pipeline = _filters(request)
    rows = funnel_for(request.user, form, pipeline)
    chart = {"stages": [r["stage"] for r in rows], "counts": [r["count"] for r in rows],
             "amounts": [float(r["amount"]) for r in rows]}
    return render(request, "analytics/funnel.html", {"form": form, "rows": rows, "pipeline": pipeline,
                                                     "chart": chart})


@login_required
@heavy_reads
def win_rates_page(request):
    form, pipeline = _filters(request)
    opportunities = form.apply(visible(request.user), period_field="created_at__date") if request.GET else \
        visible(request.user)
    context = {"form": form, "pipeline": pipeline, "rows": win_rates(opportunities, pipeline),
               "cycle": sales_cycle(opportunities, pipeline), "is_admin": request.user.is_org_admin}
    return render(request, "analytics/win_rates.html", context)


@login_required
@require_POST
def apply_rates(request):
    access.require_role(request.user, Role.ADMIN)
    _form, pipeline = _filters(request)
    changed = services.apply_learned_rates(actor=request.user, pipeline=pipeline)
    messages.success(request, _("%(n)s stage win rates updated from history.") % {"n": changed})
    return redirect("analytics:win_rates")


@login_required
@heavy_reads
def forecast_page(request):
    form, pipeline = _filters(request)
    period = (form.cleaned_data.get("period") if form.is_valid() else None) or period_of(
        "quarter", timezone.localdate())
    opportunities = visible(request.user).filter(pipeline=pipeline)
    if request.GET and form.is_valid():
        form.cleaned_data["period"] = None  # the period picks the close dates below, not a created-date filter
        opportunities = form.apply(opportunities)
    form.initial["period"] = period.label  # the picker shows the period the figures are for
    context = {"form": form, "period": period, **forecast_breakdown(opportunities, period)}
    return render(request, "analytics/forecast.html", context)


@login_required
@heavy_reads
def stalled_page(request):
    form, pipeline = _filters(request)
    opportunities = form.apply(visible(request.user)) if request.GET else visible(request.user)
    stalled = (stalled_queryset(opportunities, pipeline).select_related("customer", "owner", "stage", "pipeline")
               .order_by("stage_entered_at", "pk"))
    page = Paginator(stalled, 50).get_page(request.GET.get("page"))
    levels = stalled_levels(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "analytics/stalled.html", {
        "form": form, "rows": [(o, levels.get(o.pk)) for o in page.object_list], "page": page,
        "query_string": query.urlencode(), "now": timezone.now()})


@login_required
def changes_page(request):
    from salesflow.core.periods import parse_period

    from .changes import opportunities_for, pipeline_changes

    try:
        period = parse_period(request.GET.get("period", "")) if request.GET.get("period") else period_of(
            "quarter", timezone.localdate())
        since_day = datetime.date.fromisoformat(request.GET["since"]) if request.GET.get("since") else (
            timezone.localdate() - datetime.timedelta(days=7))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("analytics:changes")
    since = datetime.datetime.combine(since_day, datetime.time(), tzinfo=timezone.get_current_timezone())
    opportunities = visible(request.user)
    result = pipeline_changes(opportunities, period, since)
    chosen = request.GET.get("show")
    listed = list(opportunities_for(opportunities, result.get(chosen, []))[:200]) if chosen in result else []
    labels = {"new": _("New"), "moved_in": _("Moved in (close date pulled in)"),
              "moved_out": _("Moved out (close date pushed out)"), "amount_up": _("Amount up"),
              "amount_down": _("Amount down"), "won": _("Won"), "lost": _("Lost")}
    return render(request, "analytics/changes.html", {
        "period": period, "since": since_day, "counts": [(k, labels[k], len(v)) for k, v in result.items()],
        "chosen": chosen, "listed": listed})


@login_required
def submissions_page(request):
    from decimal import Decimal, InvalidOperation

    from salesflow.core.periods import parse_period

    from .. import forecasting
    from ..models import ForecastSubmission

    label = request.GET.get("period") or period_of("quarter", timezone.localdate()).label
    try:
        period = parse_period(label)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("analytics:submissions")
    status = 200
    if request.method == "POST":
        status = 400  # unless saved: the page comes back with the message, HTTP 400
        try:
            commit = Decimal(request.POST.get("commit", "").replace(",", ""))
            best = Decimal(request.POST.get("best_case", "").replace(",", ""))
            if request.POST.get("submission"):
                submission = ForecastSubmission.objects.select_related("owner").get(pk=request.POST["submission"])
                forecasting.adjust_forecast(actor=request.user, submission=submission, commit=commit,
                                            best_case=best, reason=request.POST.get("reason", ""))
            else:
                forecasting.submit_forecast(actor=request.user, period_label=period.label, commit=commit,
                                            best_case=best, note=request.POST.get("note", ""))
            messages.success(request, _("Forecast saved."))
            return redirect(f"{request.path}?period={period.label}")
        except (InvalidOperation, ValueError):
            messages.error(request, _("Enter the figures as numbers."))
        except ForecastSubmission.DoesNotExist:
            messages.error(request, _("No such forecast."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
            status = 403 if isinstance(exc, PermissionDenied) else 400
    system = forecast(visible(request.user).filter(owner=request.user), period)
    context = {"period": period, "system": system,
               "mine": forecasting.history([request.user.pk], period.label)[:20]}
    if request.user.is_manager_or_above:
        rollup = forecasting.team_rollup(request.user, period.label)
        context.update(rollup=rollup, team_history=forecasting.history(
            [row["member"].pk for row in rollup["rows"]], period.label)[:50])
    return render(request, "analytics/submissions.html", context, status=status)
