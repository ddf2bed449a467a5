"""Each analysis' charts as the dashboards' chart spec (``insights.charts``), drawn by the same dashboard.js: built
from the report dict the page, the API and the CLI share; a bar, slice or bubble opens the records behind it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from salesflow.core.templatetags.salesflow_tags import money_short
from salesflow.insights.charts import chart, number, series

CHURN_BARS = 30
INDUSTRY_SLICES = 12


def churn(report) -> dict:
    top = report["rows"][:CHURN_BARS]
    return {"churn": chart("hbar", [r["customer"] for r in top], [series(
        _("Ratio"), [r["ratio"] for r in top], [reverse("customers:detail", args=[r["customer_id"]]) for r in top])],
        unit="percent")}


def rfm(report) -> dict:
    rows = report["rows"]
    return {"rfm": chart("bar", [r["label"] for r in rows], [series(
        _("Customers"), [r["count"] for r in rows], [r["customers_url"] for r in rows])])}


def bcg(report) -> dict:
    placed = [r for r in report["rows"] if r["growth"] is not None]
    guides = {"y": number(report["growth_threshold"]), "x": number(report["median_share"])}
    return {"bcg": chart("scatter", [r["relative_share"] for r in placed], [series(
        _("Product series"), [r["growth"] for r in placed], [r["amount_url"] for r in placed],
        text=[r["series"] or "—" for r in placed], size=[r["amount"] for r in placed],
        hover=[money_short(r["amount"]) for r in placed])],
        unit="percent", x_title=_("Relative share"), y_title=_("Growth %"), guides=guides)}


def lead_sources(report) -> dict:
    rows = report["rows"]
    columns = ((_("Leads"), "leads", "leads_url"), (_("Qualified"), "qualified", "qualified_url"),
               (_("Converted"), "converted", "converted_url"),
               (_("Won customers"), "won_customers", "won_customers_url"))
    return {"sources": chart("bar", [r["source"] for r in rows], [
        series(name, [r[key] for r in rows], [r[link] for r in rows]) for name, key, link in columns])}


def customer_structure(report) -> dict:
    months, industry = report["rows"], report["by_industry"][:INDUSTRY_SLICES]
    charts = {"months": chart("bar", [m["month"] for m in months], [
        series(_("New customers"), [m["new"] for m in months], [m["new_url"] for m in months]),
        series(_("Lost customers"), [-m["lost"] for m in months], [m["lost_url"] for m in months])], stacked=True)}
    if industry:
        charts["industry"] = chart("pie", [r["label"] for r in industry], [series(
            _("Customers"), [r["customers"] for r in industry], [r["customers_url"] for r in industry])])
    return charts


def ltv(report) -> dict:
    rows = report["rows"]
    return {"ltv": chart("bar", [r["label"] for r in rows], [series(
        _("LTV"), [r["ltv"] for r in rows], [r["customers_url"] for r in rows])], unit="amount")}
