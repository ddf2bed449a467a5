"""The same analytics as JSON: for the API (/api/v1/analytics/...) and ``salesflow report NAME --json``."""

from django.utils import timezone

from salesflow.core.periods import parse_period, period_of
from salesflow.core.registry import reports

from ..models import Pipeline
from .cycle import sales_cycle
from .filters import AnalyticsFilter, visible
from .forecast import forecast_breakdown
from .funnel import funnel_for
from .stalled import stalled_levels, stalled_queryset
from .winrates import win_rate_by_owner, win_rates


def _scope(user, filters: dict):
    form = AnalyticsFilter({k: v for k, v in filters.items() if v not in (None, "")})
    if not form.is_valid():
        raise ValueError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return form, form.selected_pipeline()


def funnel_report(user=None, **filters) -> dict:
    form, pipeline = _scope(user, filters)
    return {"pipeline": pipeline.name, "rows": funnel_for(user, form, pipeline)}


def win_rates_report(user=None, **filters) -> dict:
    form, pipeline = _scope(user, filters)
    opportunities = form.apply(visible(user), period_field="created_at__date").filter(pipeline=pipeline)
    return {"pipeline": pipeline.name, "rows": win_rates(opportunities, pipeline),
            "by_owner": win_rate_by_owner(opportunities)}


def cycle_report(user=None, **filters) -> dict:
    form, pipeline = _scope(user, filters)
    result = sales_cycle(form.apply(visible(user), period_field="created_at__date"), pipeline)
    return {"pipeline": pipeline.name, **result, "rows": result["stages"]}


def forecast_report(user=None, period: str | None = None, **filters) -> dict:
    chosen = parse_period(period) if period else period_of("quarter", timezone.localdate())
    form, pipeline = _scope(user, filters)
    opportunities = form.apply(visible(user)).filter(pipeline=pipeline)
    result = forecast_breakdown(opportunities, chosen)
    return {"pipeline": pipeline.name, "period": chosen.label, "total": result["total"], "by_team": result["by_team"],
            "rows": result["by_rep"]}


def stalled_report(user=None, **filters) -> dict:
    form, pipeline = _scope(user, filters)
    rows = list(stalled_queryset(form.apply(visible(user)), pipeline).select_related("stage", "owner", "pipeline")
                .order_by("stage_entered_at")[:500])
    levels = stalled_levels(rows)
    return {"pipeline": pipeline.name,
            "rows": [{"id": o.pk, "subject": o.subject, "owner": o.owner.username, "stage": o.stage.name,
                      "in_stage_since": o.stage_entered_at, "expected_close_date": o.expected_close_date,
                      "amount": o.amount, "level": levels.get(o.pk)} for o in rows]}


def pipeline_id(name_or_id: str | None) -> int | None:
    """``salesflow report … --pipeline P``: an active pipeline by id or by name (None: the default pipeline)."""
    if not name_or_id:
        return None
    active = Pipeline.objects.filter(active=True)
    found = active.filter(pk=int(name_or_id)).first() if name_or_id.isdigit() else None
    found = found or active.filter(name=name_or_id).first()
    if found is None:
        known = ", ".join(f"{p.pk}={p.name}" for p in active.order_by("pk")) or "none"
        raise ValueError(f"no active pipeline {name_or_id!r}; known: {known}")
    return found.pk


@reports.register("funnel", "tracking opportunities per stage: count and amount")
def _funnel(*, user=None, period=None, pipeline=None):
    return funnel_report(user, period=period or "", pipeline=pipeline_id(pipeline))


@reports.register("win-rates", "stage conversion and win rates learned from history")
def _win_rates(*, user=None, period=None, pipeline=None):
    return win_rates_report(user, period=period or "", pipeline=pipeline_id(pipeline))


@reports.register("cycle", "days from creation to won; average days per stage")
def _cycle(*, user=None, period=None, pipeline=None):
    return cycle_report(user, period=period or "", pipeline=pipeline_id(pipeline))


@reports.register("forecast", "closed + weighted pipeline for a period, by category, team and rep")
def _forecast(*, user=None, period=None, pipeline=None):
    return forecast_report(user, period=period, pipeline=pipeline_id(pipeline))


@reports.register("stalled", "opportunities stuck in their stage or past their close date")
def _stalled(*, user=None, period=None, pipeline=None):
    return stalled_report(user, pipeline=pipeline_id(pipeline))
