"""经营分析 pages: an index with a tab per analysis; each page renders its report dict (the API's and CLI's)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import reports
from .filters import AnalysisFilter, require_analyst


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
