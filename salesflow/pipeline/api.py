from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import (
    NO_NUL,
    BusinessDate,
    Id,
    InputSchema,
    Money,
    Page,
    PathId,
    QueryDate,
    QueryId,
    QueryText,
    Version,
    choice,
    text,
)
from salesflow.customers.models import Customer
from salesflow.org import access

from . import services
from .forms import OpportunityFilterForm
from .models import Opportunity, Pipeline, Reason, Stage

router = Router(tags=["opportunities"])


class OpportunityOut(Schema):
    id: int
    subject: str
    customer_id: int | None  # None: the account is not known yet
    customer_name: str  # the customer's name, or "account unknown"
    owner_id: int
    team_id: int | None
    pipeline_id: int
    stage_id: int
    status: str
    amount: Decimal
    expected_close_date: date
    type: str
    priority: str
    starred: bool
    forecast_category: str
    close_date_pushes: int
    created_at: datetime
    closed_at: datetime | None
    version: int

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer_display


class OpportunityIn(InputSchema):
    customer_id: Id
    subject: text(Opportunity, "subject", required=True)
    amount: Money = Decimal(0)
    expected_close_date: BusinessDate | None = None
    type: choice(Opportunity, "type") = "new_business"
    source: text(Opportunity, "source") = ""
    pipeline_id: Id | None = None


class OpportunityPatch(InputSchema):
    """Send only the fields to change; null is not accepted."""

    version: Version
    subject: text(Opportunity, "subject", required=True) = None
    amount: Money = None
    expected_close_date: BusinessDate = None
    priority: choice(Opportunity, "priority") = None
    starred: bool = None
    forecast_category: choice(Opportunity, "forecast_category") = None
    next_step: text(Opportunity, "next_step") = None
    completed_actions: list[Annotated[str, Field(max_length=200, pattern=NO_NUL)]] = Field(None, max_length=50)


class MoveIn(InputSchema):
    version: Version
    stage_id: Id
    override_reason: Annotated[str, Field(max_length=300, pattern=NO_NUL)] = ""


class CloseIn(InputSchema):
    version: Version
    reason_id: Id | None = None


class StageOut(Schema):
    id: int
    name: str
    order: int
    win_rate: Decimal
    key_actions: list[str]


class PipelineOut(Schema):
    id: int
    name: str
    is_default: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())


@router.get("/", response=list[OpportunityOut], summary="Opportunities the caller may see (list page filters)")
@paginate(Page)
def list_opportunities(request, q: QueryText = "", status: QueryText = "", pipeline: QueryId = None,
                       stage: QueryId = None, owner: QueryId = None, team: QueryId = None, type: QueryText = "",  # noqa: A002
                       priority: QueryText = "", close_from: QueryDate = None, close_to: QueryDate = None,
                       sort: QueryText = ""):
    filters = {k: str(v) for k, v in locals().items() if k != "request" and v not in (None, "")}
    form = OpportunityFilterForm(filters)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.apply(Opportunity.objects.visible_to(request.user)).select_related("customer")


@router.get("/pipelines", response=list[PipelineOut], summary="Pipelines and their stages")
def pipelines(request):
    return Pipeline.objects.filter(active=True).prefetch_related("stages")


@router.get("/{opportunity_id}", response=OpportunityOut)
def get_opportunity(request, opportunity_id: PathId):
    return access.get_visible_or_404(Opportunity, request.user, pk=opportunity_id)


@router.post("/", response={201: OpportunityOut})
def create_opportunity(request, payload: OpportunityIn):
    customer = access.get_visible_or_404(Customer, request.user, pk=payload.customer_id)
    pipeline = get_object_or_404(Pipeline, pk=payload.pipeline_id) if payload.pipeline_id else None
    opportunity = services.create_opportunity(
        actor=request.user, customer=customer, subject=payload.subject, amount=payload.amount,
        expected_close_date=payload.expected_close_date, type=payload.type, source=payload.source, pipeline=pipeline,
        idempotency_key=request.headers.get("Idempotency-Key") or None)
    return Status(201, opportunity)


@router.patch("/{opportunity_id}", response=OpportunityOut, summary="Update; send the version you read")
def update_opportunity(request, opportunity_id: PathId, payload: OpportunityPatch):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=opportunity_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.update_opportunity(actor=request.user, opportunity=opportunity, version=version, **changes)


@router.post("/{opportunity_id}/move", response=OpportunityOut, summary="Move to a stage (exit criteria apply)")
def move(request, opportunity_id: PathId, payload: MoveIn):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=opportunity_id)
    stage = get_object_or_404(Stage, pk=payload.stage_id)
    return services.move_stage(actor=request.user, opportunity=opportunity, stage=stage, version=payload.version,
                               override_reason=payload.override_reason)


@router.post("/{opportunity_id}/win", response=OpportunityOut)
def win(request, opportunity_id: PathId, payload: CloseIn):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=opportunity_id)
    reason = get_object_or_404(Reason, pk=payload.reason_id) if payload.reason_id else None
    return services.win_opportunity(actor=request.user, opportunity=opportunity, reason=reason,
                                    version=payload.version)


@router.post("/{opportunity_id}/lose", response=OpportunityOut)
def lose(request, opportunity_id: PathId, payload: CloseIn):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=opportunity_id)
    reason = get_object_or_404(Reason, pk=payload.reason_id) if payload.reason_id else None
    return services.lose_opportunity(actor=request.user, opportunity=opportunity, reason=reason,
                                     version=payload.version)


@router.post("/{opportunity_id}/reopen", response=OpportunityOut)
def reopen(request, opportunity_id: PathId, payload: CloseIn):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=opportunity_id)
    return services.reopen_opportunity(actor=request.user, opportunity=opportunity, version=payload.version)
