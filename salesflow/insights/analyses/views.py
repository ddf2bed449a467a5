"""经营分析 pages: an index with a tab per analysis; each page renders its report dict (the API's and CLI's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.replica import heavy_reads
from salesflow.leads.costs import COST_EDITORS, may_edit_costs, set_source_cost
from salesflow.leads.models import SourceCost
from salesflow.org import access

from . import charts, reports
from .filters import AnalysisFilter, may_analyse, require_analyst
from .forms import SourceCostForm

TABS = (("churn", "insights:analysis-churn", gettext_lazy("Churn warning")),
        ("rfm", "insights:analysis-rfm", gettext_lazy("RFM segments")),
        ("bcg", "insights:analysis-bcg", gettext_lazy("Product portfolio")),
        ("lead-sources", "insights:analysis-lead-sources", gettext_lazy("Lead sources")),
        ("customer-structure", "insights:analysis-structure", gettext_lazy("Customer structure")),
        ("ltv", "insights:analysis-ltv", gettext_lazy("Lifetime value")))


def _tabs(user) -> list[dict]:
    return [{"name": name, "url": reverse(url), "label": label} for name, url, label in TABS
            if may_analyse(user, name)]


def _filters(request):
    form = AnalysisFilter(request.GET or None)
    values = {"team": request.GET.get("team") or None, "period": request.GET.get("period") or None}
    if request.GET and not form.is_valid():
        values = {"team": None, "period": None}
    return form, values


def _page(request, name, report, charts, **context):
    """An analysis page: its tabs (those the viewer may open), filters, report and charts (drawn by dashboard.js)."""
    return render(request, f"insights/analyses/{name.replace('-', '_')}.html", {
        "report": report, "charts": charts(report), "tab": name, "tabs": _tabs(request.user), **context})


@login_required
def index(request):
    tabs = _tabs(request.user)
    if not tabs:
        require_analyst(request.user)
    return redirect(tabs[0]["url"])


@login_required
@heavy_reads
def churn(request):
    form, values = _filters(request)
    sort = "ratio" if request.GET.get("sort") == "ratio" else "-ratio"
    report = reports.churn_report(request.user, team=values["team"], sort=sort)
    return _page(request, "churn", report, charts.churn, form=form, sort=sort)


@login_required
@heavy_reads
def rfm(request):
    form, values = _filters(request)
    report = reports.rfm_report(request.user, team=values["team"])
    return _page(request, "rfm", report, charts.rfm, form=form)


@login_required
@heavy_reads
def bcg(request):
    form, values = _filters(request)
    report = reports.bcg_report(request.user, team=values["team"], period=values["period"])
    return _page(request, "bcg", report, charts.bcg, form=form, with_period=True)


@login_required
@heavy_reads
def lead_sources(request):
    form, values = _filters(request)
    report = reports.lead_sources_report(request.user, team=values["team"], period=values["period"])
    return _page(request, "lead-sources", report, charts.lead_sources, form=form, with_period=True,
                 may_edit_costs=may_edit_costs(request.user))


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
                                                                  "tab": "lead-sources", "tabs": _tabs(request.user)})


@login_required
@heavy_reads
def customer_structure(request):
    form, values = _filters(request)
    report = reports.customer_structure_report(request.user, team=values["team"], period=values["period"])
    tables = [(_("Industry"), report["by_industry"], "industry"), (_("Size"), report["by_size"], "size"),
              (_("Customer class"), report["by_class"], "class")]
    return _page(request, "customer-structure", report, charts.customer_structure, form=form, tables=tables,
                 with_period=True)


@login_required
@heavy_reads
def ltv(request):
    form, values = _filters(request)
    report = reports.ltv_report(request.user, team=values["team"])
    return _page(request, "ltv", report, charts.ltv, form=form)
