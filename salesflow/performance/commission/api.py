"""Commission API under /api/v1/performance/commission/: plans (administrators read and save them), statements
(each caller sees what ``org.access`` lets them: a rep their own), their status actions, and the what-if
simulation. The same services and selectors as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from salesflow.core.api_schemas import (
    NO_NUL,
    BusinessDate,
    Id,
    InputSchema,
    Money,
    Page,
    PathId,
    QueryText,
    Rate,
    Version,
)
from salesflow.core.periods import parse_period
from salesflow.org import access
from salesflow.org.models import Role, User

from ..models import CommissionPlan
from . import selectors, services, whatif

router = Router(tags=["commission"])

# Decimals carry their bounds as patterns too (core.api_schemas explains why), so a schema-valid value is never refused.
Percent = Annotated[Decimal, Field(ge=0, le=10000, max_digits=7, decimal_places=2),
                    WithJsonSchema({"type": "string", "pattern": r"^(10000(\.00?)?|[0-9]{1,4}(\.[0-9]{1,2})?)$",
                                    "description": "A percentage of quota from 0 to 10000 with up to 2 decimals."})]
TierRate = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=3),
                     WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,3}(\.[0-9]{1,3})?$",
                                     "description": "Commission % of the amount, up to 3 decimals."})]
Multiple = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2),
                     WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,4}(\.[0-9]{1,2})?$",
                                     "description": "A multiple of the variable target, up to 2 decimals."})]
Factor = Annotated[Decimal, Field(ge=0, max_digits=4, decimal_places=2),
                   WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,2}(\.[0-9]{1,2})?$",
                                   "description": "What every rate is multiplied by below the threshold, e.g. 0.5."})]


class TierOut(Schema):
    from_percent: Decimal
    to_percent: Decimal | None
    rate: Decimal


class CommissionPlanOut(Schema):
    id: int
    version: int
    name: str
    role: str
    member_ids: list[int]
    effective_from: date
    effective_to: date | None
    ote: Decimal
    base_percent: Decimal
    variable_percent: Decimal
    basis: str
    measured_on: str
    cap_multiple: Decimal | None
    decelerator_below: Decimal | None
    decelerator_factor: Decimal
    active: bool
    tiers: list[TierOut]

    @staticmethod
    def resolve_member_ids(obj):
        return [m.pk for m in obj.members.all()]

    @staticmethod
    def resolve_tiers(obj):
        return list(obj.tiers.all())


class TierIn(InputSchema):
    from_percent: Percent
    to_percent: Percent | None = None
    rate: TierRate


class TermsIn(InputSchema):
    ote: Money
    base_percent: Rate
    variable_percent: Rate
    basis: Annotated[str, Field(pattern="^(signed_amount|collected_amount)$")]
    measured_on: Literal["own", "team"] = "own"
    cap_multiple: Multiple | None = None
    decelerator_below: Percent | None = None
    decelerator_factor: Factor = Decimal("0.5")
    tiers: list[TierIn] = Field(..., max_length=12)


class CommissionPlanIn(TermsIn):
    version: Version | None = None
    name: Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)]
    role: Annotated[str, Field(max_length=10, pattern=NO_NUL)] = ""
    member_ids: list[Id] = Field(default_factory=list, max_length=500)
    effective_from: BusinessDate
    effective_to: BusinessDate | None = None
    active: bool = True


class CommissionLineOut(Schema):
    position: int
    kind: str
    agreement_id: int | None
    payment_id: int | None
    day: date | None
    amount: Decimal
    tier: str = Field(..., alias="tier_label")
    rate: Decimal | None
    commission: Decimal
    note: str
    clawback_of_statement_id: int | None = None

    @staticmethod
    def resolve_note(obj):
        return obj.note_text  # in the reader's language

    @staticmethod
    def resolve_clawback_of_statement_id(obj):
        return obj.clawback_of.statement_id if obj.clawback_of_id else None


class StatementOut(Schema):
    id: int
    version: int
    user_id: int
    username: str = Field(..., alias="user.username")
    period: str
    plan_id: int
    basis: str
    quota: Decimal | None
    basis_amount: Decimal
    attainment: Decimal | None
    variable_target: Decimal
    base_pay: Decimal
    commission: Decimal
    total: Decimal
    status: str
    computed_at: datetime
    confirmed_at: datetime | None
    approved_at: datetime | None


class StatementDetailOut(StatementOut):
    lines: list[CommissionLineOut] = Field(..., alias="lines_list")


class CommissionActionIn(InputSchema):
    version: Version | None = None


class ComputeIn(InputSchema):
    period: Annotated[str, Field(max_length=10, pattern=NO_NUL)]
    user_id: Id | None = None


def _admin(request):
    access.require_role(request.user, Role.ADMIN)


def _tiers(payload):
    return [(t.from_percent, t.to_percent, t.rate) for t in payload.tiers]


@router.get("/plans/", response=list[CommissionPlanOut], summary="Commission plans (administrators)")
def list_plans(request):
    _admin(request)
    return list(selectors.plans())


@router.post("/plans/", response={201: CommissionPlanOut}, summary="Create a commission plan (administrators)")
def create_plan(request, payload: CommissionPlanIn):
    _admin(request)
    return Status(201, _save(request, CommissionPlan(), payload))


@router.put("/plans/{plan_id}", response=CommissionPlanOut,
            summary="Change a plan; send the version you read (409 if stale)")
def update_plan(request, plan_id: PathId, payload: CommissionPlanIn):
    _admin(request)
    plan = get_object_or_404(CommissionPlan, pk=plan_id)
    if payload.version is not None:
        plan.version = payload.version
    return _save(request, plan, payload)


def _save(request, plan, payload):
    for field in ("name", "role", "effective_from", "effective_to", "ote", "base_percent", "variable_percent",
                  "basis", "measured_on", "cap_multiple", "decelerator_below", "decelerator_factor", "active"):
        setattr(plan, field, getattr(payload, field))
    members = list(User.objects.filter(pk__in=payload.member_ids))
    services.save_plan(plan=plan, tiers=_tiers(payload), members=members, actor=request.user)
    return selectors.plans().get(pk=plan.pk)


@router.post("/plans/{plan_id}/what-if", summary="Cost of changed terms in the last closed period, beside the "
                                                 "current plan's, per rep and in total (writes nothing)")
def plan_whatif(request, plan_id: PathId, payload: TermsIn):
    _admin(request)
    plan = get_object_or_404(CommissionPlan, pk=plan_id)
    changed = CommissionPlan(**{f: getattr(payload, f) for f in (
        "ote", "base_percent", "variable_percent", "basis", "cap_multiple", "decelerator_below",
        "decelerator_factor")})
    result = whatif.simulate(plan=plan, changed=changed, tiers=_tiers(payload))
    return {"period": result.period.label,
            "rows": [{"user_id": r.user.pk, "username": r.user.username, "attainment": r.current_attainment,
                      "current": r.current, "changed": r.changed, "difference": r.difference} for r in result.rows],
            "current_total": result.current_total, "changed_total": result.changed_total,
            "difference": result.difference}


@router.get("/statements/", response=list[StatementOut], summary="Statements the caller may see (newest first)")
@paginate(Page)
def list_statements(request, period: QueryText = "", status: QueryText = "",
                    user: Annotated[str, Query(max_length=150, pattern=NO_NUL)] = ""):
    return selectors.statements(request.user, period=period, status=status, username=user)


@router.post("/statements/compute", summary="Compute drafts for a period: one person, or everyone the caller "
                                            "oversees (managers and above)")
def compute_statements(request, payload: ComputeIn):
    try:
        period = parse_period(payload.period)
    except ValueError:
        raise ValidationError({"period": "2026-10 / 2026-Q4"}) from None
    users = access.users_in_scope(request.user).filter(role__in=[Role.REP, Role.MANAGER])
    if not request.user.is_manager_or_above:
        access.require_change_with(False)
    if payload.user_id:
        users = users.filter(pk=payload.user_id)
    return services.compute_statements(users=users, period=period, actor=request.user)


# After /statements/compute, so that path is not read as a statement id.
@router.get("/statements/{statement_id}", response=StatementDetailOut, summary="A statement with every line")
def get_statement(request, statement_id: PathId):
    statement = selectors.statement(request.user, statement_id)
    statement.lines_list = list(selectors.lines(statement))
    return statement


@router.post("/statements/{statement_id}/confirm", response=StatementOut, summary="Confirm (the rep's manager)")
def confirm(request, statement_id: PathId, payload: CommissionActionIn):
    statement = selectors.statement(request.user, statement_id)
    return services.confirm_statement(statement=statement, actor=request.user, version=payload.version)


@router.post("/statements/{statement_id}/approve", response=StatementOut, summary="Approve (finance)")
def approve(request, statement_id: PathId, payload: CommissionActionIn):
    statement = selectors.statement(request.user, statement_id)
    return services.approve_statement(statement=statement, actor=request.user, version=payload.version)
