"""The activity statistics page (活动统计): period picker, rows per rep or team, a totals row, a bar chart and the
CSV/XLSX export — all from ``selectors.activity_stats``. Thin: parse, authorise, call, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from salesflow.core.exports import export_response

from . import columns
from .forms import StatsFilterForm
from .selectors import COVERAGE_DAYS, activity_stats, sees_field_work, totals

CHART_ROWS = 40  # the chart shows the first rows; the table and the export have them all
CHART_SERIES = ("visits_planned", "visits_done", "followups_total")


def chart_data(rows: list[dict]) -> dict:
    shown = rows[:CHART_ROWS]
    return {"labels": [r["label"] for r in shown],
            "series": [{"name": str(label), "values": [r[key] for r in shown]}
                       for key, label in columns.COLUMNS if key in CHART_SERIES]}


@login_required
def statistics(request):
    if not sees_field_work(request.user):
        raise PermissionDenied(_("Your role does not see field work."))
    form = StatsFilterForm(request.GET or None, user=request.user)
    chosen = form.values()
    rows = activity_stats(request.user, start=chosen["start"], end=chosen["end"], by=chosen["by"],
                          owner_ids=chosen["owner_ids"])
    total = totals(rows)
    if request.GET.get("export") in {"csv", "xlsx"}:
        filename = f"activity-statistics-{chosen['start']:%Y%m%d}-{chosen['end']:%Y%m%d}"
        return export_response(fmt=request.GET["export"], filename=filename,
                               headers=columns.export_headers(chosen["by"]),
                               rows=columns.export_rows(rows, total, chosen["by"]), audit_target=request.user,
                               note=f"activity statistics {request.GET.urlencode()}")
    return render(request, "activities/stats/statistics.html", {
        "form": form, "chosen": chosen, "rows": rows, "total": total, "columns": columns.COLUMNS,
        "groups": columns.COLUMN_GROUPS,
        "label_header": columns.label_header(chosen["by"]), "chart": chart_data(rows),
        "coverage_days": COVERAGE_DAYS, "chart_rows": CHART_ROWS})
