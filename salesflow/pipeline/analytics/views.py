from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.periods import period_of
from salesflow.org import access
from salesflow.org.models import Role

from .cycle import sales_cycle
from .filters import AnalyticsFilter, visible
from .forecast import forecast
from .funnel import funnel
from .stalled import stalled_levels, stalled_queryset
from .winrates import apply_learned_rates, win_rates


def _filters(request):
    form = AnalyticsFilter(request.GET or None)
    form.is_valid()
    return form, form.selected_pipeline()


@login_required
def funnel_page(request):
    form, pipeline = _filters(request)
    rows = funnel(form.apply(visible(request.user)) if request.GET else visible(request.user), pipeline)
    chart = {"stages": [r["stage"] for r in rows], "counts": [r["count"] for r in rows],
             "amounts": [float(r["amount"]) for r in rows]}
    return render(request, "analytics/funnel.html", {"form": form, "rows": rows, "pipeline": pipeline,
                                                     "chart": chart})


@login_required
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
    changed = apply_learned_rates(actor=request.user, pipeline=pipeline)
    messages.success(request, _("%(n)s stage win rates updated from history.") % {"n": changed})
    return redirect("analytics:win_rates")


@login_required
def forecast_page(request):
    form, pipeline = _filters(request)
    period = (form.cleaned_data.get("period") if form.is_valid() else None) or period_of(
        "quarter", timezone.localdate())
    opportunities = visible(request.user).filter(pipeline=pipeline)
    if request.GET and form.is_valid():
        form.cleaned_data["period"] = None  # the period picks the close dates below, not a created-date filter
        opportunities = form.apply(opportunities)
    context = {
        "form": form, "period": period, "total": forecast(opportunities, period),
        "by_team": forecast(opportunities, period, "team__name"),
        "by_rep": forecast(opportunities, period, "owner__username"),
    }
    return render(request, "analytics/forecast.html", context)


@login_required
def stalled_page(request):
    form, pipeline = _filters(request)
    opportunities = form.apply(visible(request.user)) if request.GET else visible(request.user)
    rows = list(stalled_queryset(opportunities, pipeline).select_related("customer", "owner", "stage", "pipeline")
                .order_by("stage_entered_at")[:200])
    levels = stalled_levels(rows)
    return render(request, "analytics/stalled.html", {"form": form, "rows": [(o, levels.get(o.pk)) for o in rows],
                                                      "now": timezone.now()})
