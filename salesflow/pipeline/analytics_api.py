"""/api/v1/analytics/: funnel, win rates, cycle, forecast and stalled deals (permission-filtered)."""

from django.core.exceptions import ValidationError
from ninja import Router

from salesflow.core.api_schemas import QueryId, QueryText

from .analytics import api_reports
from .analytics.filters import AnalyticsFilter

router = Router(tags=["analytics"])


def _call(func, request, **filters):
    form = AnalyticsFilter({k: v for k, v in filters.items() if v not in (None, "")})
    if not form.is_valid():  # the same form the reports use, so that each error names its parameter
        raise ValidationError(form.errors)
    try:
        return func(request.user, **filters)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


def _filters(pipeline, team, owner, region, product, customer_class, period=None):
    filters = {"pipeline": pipeline, "team": team, "owner": owner, "region": region, "product": product,
               "customer_class": customer_class}
    if period is not None:
        filters["period"] = period
    return filters


@router.get("/funnel", summary="Funnel (tracking only): count and amount per stage")
def funnel(request, pipeline: QueryId = None, period: QueryText = "", team: QueryId = None, owner: QueryId = None,
           region: QueryId = None, product: QueryId = None, customer_class: QueryText = ""):
    return _call(api_reports.funnel_report, request,
                 **_filters(pipeline, team, owner, region, product, customer_class, period))


@router.get("/win-rates", summary="Stage conversion and learned win rates")
def win_rates(request, pipeline: QueryId = None, period: QueryText = "", team: QueryId = None,
              owner: QueryId = None, region: QueryId = None, product: QueryId = None,
              customer_class: QueryText = ""):
    return _call(api_reports.win_rates_report, request,
                 **_filters(pipeline, team, owner, region, product, customer_class, period))


@router.get("/cycle", summary="Sales cycle")
def cycle(request, pipeline: QueryId = None, team: QueryId = None, owner: QueryId = None):
    return _call(api_reports.cycle_report, request, **_filters(pipeline, team, owner, None, None, ""))


@router.get("/forecast", summary="Forecast for a period (2026, 2026-Q3, 2026-07)")
def forecast(request, period: QueryText = "", pipeline: QueryId = None, team: QueryId = None,
             owner: QueryId = None, region: QueryId = None):
    filters = _filters(pipeline, team, owner, region, None, "")
    return _call(lambda user, **f: api_reports.forecast_report(user, period=period or None, **f), request, **filters)


@router.get("/stalled", summary="Stalled opportunities")
def stalled(request, pipeline: QueryId = None, team: QueryId = None, owner: QueryId = None):
    return _call(api_reports.stalled_report, request, **_filters(pipeline, team, owner, None, None, ""))
