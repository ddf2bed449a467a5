"""/api/v1/insights/analyses/…: each analysis as its page shows it (the same dict as ``salesflow report NAME``)."""

from django.core.exceptions import ValidationError
from ninja import Router

from salesflow.core.api_schemas import QueryText

from . import reports

router = Router(tags=["insights"])


def _call(func, request, **filters):
    try:
        return func(request.user, **filters)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


@router.get("/analyses/churn", response=dict, summary="流失预警: customers silent longer than their usual interval")
def churn(request, team: int | None = None, sort: QueryText = "-ratio"):
    return _call(reports.churn_report, request, team=team, sort=sort)


@router.get("/analyses/rfm", response=dict, summary="RFM segments: customers and amount signed in the last 365 days")
def rfm(request, team: int | None = None):
    return _call(reports.rfm_report, request, team=team)


@router.get("/analyses/bcg", response=dict, summary="Product portfolio (BCG) matrix per product series for a period")
def bcg(request, team: int | None = None, period: QueryText = ""):
    return _call(reports.bcg_report, request, team=team, period=period)
