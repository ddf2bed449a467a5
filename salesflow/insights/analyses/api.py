"""/api/v1/insights/analyses/…: each analysis as its page shows it (the same dict as ``salesflow report NAME``)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from salesflow.core.api_schemas import MAX_ID, NO_NUL, InputSchema, Money, Page, QueryText
from salesflow.leads.costs import COST_EDITORS, parse_month, set_source_cost
from salesflow.leads.models import LeadSource, SourceCost
from salesflow.org import access

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


@router.get("/analyses/lead-sources", response=dict,
            summary="Lead-source efficiency for a period: leads, conversion, won customers, costs")
def lead_sources(request, team: int | None = None, period: QueryText = ""):
    return _call(reports.lead_sources_report, request, team=team, period=period)


class SourceCostIn(InputSchema):
    source_id: int = Field(ge=1, le=MAX_ID)
    month: str = Field(max_length=10, pattern=NO_NUL, description="YYYY-MM (or a day of that month)")
    amount: Money
    note: str = Field("", max_length=200, pattern=NO_NUL)


class SourceCostOut(Schema):
    id: int
    source_id: int
    source: str
    month: datetime.date
    amount: Decimal
    note: str

    @staticmethod
    def resolve_source(cost) -> str:
        return cost.source.name


@router.get("/analyses/source-costs", response=list[SourceCostOut], summary="Lead source costs per month")
@paginate(Page)
def list_source_costs(request):
    access.require_role(request.user, *COST_EDITORS)
    return SourceCost.objects.select_related("source").order_by("-month", "source__name")


@router.put("/analyses/source-costs", response=SourceCostOut,
            summary="Record or change what a lead source cost in a month (admin, director)")
def put_source_cost(request, body: SourceCostIn):
    access.require_role(request.user, *COST_EDITORS)
    source = get_object_or_404(LeadSource, pk=body.source_id)
    return set_source_cost(actor=request.user, source=source, month=parse_month(body.month), amount=body.amount,
                           note=body.note)


@router.get("/analyses/customer-structure", response=dict,
            summary="Customers and signed amount by industry, size and class; new and lost customers per month")
def customer_structure(request, team: int | None = None, period: QueryText = ""):
    return _call(reports.customer_structure_report, request, team=team, period=period)


@router.get("/analyses/ltv", response=dict, summary="Customer lifetime value estimate per class and top customers")
def ltv(request, team: int | None = None):
    return _call(reports.ltv_report, request, team=team)
