"""经营分析 pages: an index with a tab per analysis; each page renders its report dict (the API's and CLI's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesflow.core.replica import heavy_reads
from salesflow.leads.costs import COST_EDITORS, may_edit_costs, set_source_cost
from salesflow.leads.models import SourceCost
from salesflow.org import access

from . import reports
from .filters import AnalysisFilter, require_analyst
from .forms import SourceCostForm


def _filters(request):
    form = AnalysisFilter(request.GET or None)
    values = {"team": request.GET.get("team") or None, "period": request.GET.get("period") or None}
    if request.GET and not form.is_valid():
        values = {"team": None, "period": None}
    return form, values


@login_required
def index(request):
    require_analyst(request.user)
    return redirect("insights:analysis-churn")


@login_required
@heavy_reads
def churn(request):
    require_analyst(request.user)
    form, values = _filters(request)
    sort = "ratio" if request.GET.get("sort") == "ratio" else "-ratio"
    report = reports.churn_report(request.user, team=values["team"], sort=sort)
    top = report["rows"][:30]
    chart = {"data": [{"type": "bar", "orientation": "h", "y": [r["customer"] for r in top][::-1],
                       "x": [float(r["ratio"]) for r in top][::-1], "hovertemplate": "%{y}: %{x}%<extra></extra>"}],
             "layout": {"margin": {"l": 160, "r": 20, "t": 10, "b": 30}, "height": max(200, 22 * len(top) + 60)}}
    return render(request, "insights/analyses/churn.html", {"form": form, "report": report, "chart": chart,
                                                           "sort": sort, "tab": "churn"})


@login_required
@heavy_reads
def rfm(request):
    require_analyst(request.user)
    form, values = _filters(request)
    report = reports.rfm_report(request.user, team=values["team"])
    rows = report["rows"]
    chart = {"data": [{"type": "bar", "x": [r["label"] for r in rows], "y": [r["count"] for r in rows],
                       "customdata": [float(r["amount"]) for r in rows],
                       "hovertemplate": "%{x}: %{y} (¥%{customdata:,.0f})<extra></extra>"}],
             "layout": {"margin": {"l": 40, "r": 10, "t": 10, "b": 90}, "height": 320}}
    return render(request, "insights/analyses/rfm.html", {"form": form, "report": report, "chart": chart,
                                                         "tab": "rfm"})


@login_required
@heavy_reads
def bcg(request):
    require_analyst(request.user)
    form, values = _filters(request)
    report = reports.bcg_report(request.user, team=values["team"], period=values["period"])
    placed = [r for r in report["rows"] if r["growth"] is not None]
    biggest = max((float(r["amount"]) for r in placed), default=1.0) or 1.0
    chart = {"data": [{"type": "scatter", "mode": "markers+text", "x": [float(r["relative_share"]) for r in placed],
                       "y": [float(r["growth"]) for r in placed], "text": [r["series"] for r in placed],
                       "textposition": "top center",
                       "marker": {"size": [12 + 48 * float(r["amount"]) / biggest for r in placed], "opacity": 0.6},
                       "hovertemplate": "%{text}: %{x}, %{y}%<extra></extra>"}],
             "layout": {"margin": {"l": 50, "r": 10, "t": 10, "b": 40}, "height": 360,
                        "xaxis": {"title": {"text": str(_("Relative share"))}},
                        "yaxis": {"title": {"text": str(_("Growth %"))}},
                        "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1,
                                    "y0": float(report["growth_threshold"]), "y1": float(report["growth_threshold"]),
                                    "line": {"dash": "dot", "color": "#888"}}]
                        + ([{"type": "line", "yref": "paper", "y0": 0, "y1": 1,
                             "x0": float(report["median_share"]), "x1": float(report["median_share"]),
                             "line": {"dash": "dot", "color": "#888"}}] if report["median_share"] else [])}}
    return render(request, "insights/analyses/bcg.html", {"form": form, "report": report, "chart": chart,
                                                         "tab": "bcg", "with_period": True})


@login_required
@heavy_reads
def lead_sources(request):
    require_analyst(request.user)
    form, values = _filters(request)
    report = reports.lead_sources_report(request.user, team=values["team"], period=values["period"])
    rows = report["rows"]
    chart = {"data": [{"type": "bar", "name": str(_("Leads")), "x": [r["source"] for r in rows],
                       "y": [r["leads"] for r in rows]},
                      {"type": "bar", "name": str(_("Converted")), "x": [r["source"] for r in rows],
                       "y": [r["converted"] for r in rows]},
                      {"type": "bar", "name": str(_("Won customers")), "x": [r["source"] for r in rows],
                       "y": [r["won_customers"] for r in rows]}],
             "layout": {"barmode": "group", "margin": {"l": 40, "r": 10, "t": 10, "b": 80}, "height": 320,
                        "legend": {"orientation": "h"}}}
    return render(request, "insights/analyses/lead_sources.html", {
        "form": form, "report": report, "chart": chart, "tab": "lead-sources", "with_period": True,
        "may_edit_costs": may_edit_costs(request.user)})


@login_required
def source_costs(request):
    """Enter or change what each lead source cost in a month (admin, director)."""
    access.require_role(request.user, *COST_EDITORS)
    form = SourceCostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_source_cost(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Cost saved."))
            return redirect("insights:source-costs")
    costs = SourceCost.objects.select_related("source").order_by("-month", "source__name")[:240]
    return render(request, "insights/analyses/source_costs.html", {"form": form, "costs": costs,
                                                                  "tab": "lead-sources"})


@login_required
@heavy_reads
def customer_structure(request):
    require_analyst(request.user)
    form, values = _filters(request)
    report = reports.customer_structure_report(request.user, team=values["team"], period=values["period"])
    months = report["rows"]
    chart = {"data": [{"type": "bar", "name": str(_("New customers")), "x": [m["month"] for m in months],
                       "y": [m["new"] for m in months]},
                      {"type": "bar", "name": str(_("Lost customers")), "x": [m["month"] for m in months],
                       "y": [-m["lost"] for m in months]}],
             "layout": {"barmode": "relative", "margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "height": 300,
                        "legend": {"orientation": "h"}}}
    industry = report["by_industry"][:12]
    pie = {"data": [{"type": "pie", "labels": [r["label"] for r in industry],
                     "values": [r["customers"] for r in industry], "hole": 0.4}],
           "layout": {"margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "height": 300}}
    tables = [(_("Industry"), report["by_industry"], "industry"), (_("Size"), report["by_size"], "size"),
              (_("Customer class"), report["by_class"], "class")]
    return render(request, "insights/analyses/structure.html", {
        "form": form, "report": report, "chart": chart, "pie": pie, "tables": tables, "tab": "structure",
        "with_period": True})


@login_required
@heavy_reads
def ltv(request):
    require_analyst(request.user)
    form, values = _filters(request)
    report = reports.ltv_report(request.user, team=values["team"])
    rows = report["rows"]
    chart = {"data": [{"type": "bar", "x": [r["label"] for r in rows], "y": [float(r["ltv"]) for r in rows],
                       "hovertemplate": "%{x}: ¥%{y:,.0f}<extra></extra>"}],
             "layout": {"margin": {"l": 70, "r": 10, "t": 10, "b": 40}, "height": 300}}
    return render(request, "insights/analyses/ltv.html", {"form": form, "report": report, "chart": chart,
                                                         "tab": "ltv"})
