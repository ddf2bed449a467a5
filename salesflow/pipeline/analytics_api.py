"""/api/v1/analytics/: funnel, win rates, cycle, forecast and stalled deals (permission-filtered)."""

from django.core.exceptions import ValidationError
from ninja import Router

from .analytics import api_reports

router = Router(tags=["analytics"])


def _call(func, request, **filters):
    try:
        return func(request.user, **filters)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _filters(pipeline, team, owner, region, product, customer_class, period=None):
    filters = {"pipeline": pipeline, "team": team, "owner": owner, "region": region, "product": product,
               "customer_class": customer_class}
    if period is not None:
        filters["period"] = period
    return filters


@router.get("/funnel", summary="Funnel (tracking only): count and amount per stage")
def funnel(request, pipeline: int | None = None, period: str = "", team: int | None = None, owner: int | None = None,
           region: int | None = None, product: int | None = None, customer_class: str = ""):
    return _call(api_reports.funnel_report, request,
                 **_filters(pipeline, team, owner, region, product, customer_class, period))


@router.get("/win-rates", summary="Stage conversion and learned win rates")
def win_rates(request, pipeline: int | None = None, period: str = "", team: int | None = None,
              owner: int | None = None, region: int | None = None, product: int | None = None,
              customer_class: str = ""):
    return _call(api_reports.win_rates_report, request,
                 **_filters(pipeline, team, owner, region, product, customer_class, period))


@router.get("/cycle", summary="Sales cycle")
def cycle(request, pipeline: int | None = None, team: int | None = None, owner: int | None = None):
    return _call(api_reports.cycle_report, request, **_filters(pipeline, team, owner, None, None, ""))


@router.get("/forecast", summary="Forecast for a period (2026, 2026-Q3, 2026-07)")
def forecast(request, period: str = "", pipeline: int | None = None, team: int | None = None,
             owner: int | None = None, region: int | None = None):
    try:
        return api_reports.forecast_report(request.user, period=period or None,
                                           **_filters(pipeline, team, owner, region, None, ""))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


@router.get("/stalled", summary="Stalled opportunities")
def stalled(request, pipeline: int | None = None, team: int | None = None, owner: int | None = None):
    return _call(api_reports.stalled_report, request, **_filters(pipeline, team, owner, None, None, ""))
