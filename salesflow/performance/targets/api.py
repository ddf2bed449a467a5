"""Targets API under /api/v1/performance/targets/: plans (list, detail with cells and what does not add up, create),
split over time / the organisation, set a cell, submit a bottom-up figure, approve, revise, and completion for a
node and period. Every write calls the service the pages call; errors are 4xx JSON naming the field."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from salesflow.core.api_schemas import NO_NUL, InputSchema, Money, PathId, Version, text
from salesflow.core.periods import parse_period

from ..models import Measure, TargetPlan
from . import dimensions, services, signoff
from .completion import completion_tree, root_for
from .selectors import plans_for
from .tree import OrgTree

router = Router(tags=["targets"])

NodeKey = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^(company|team:[0-9]{1,18}|user:[0-9]{1,18})$",
                                description="company, team:<id> or user:<id>")]
PeriodLabel = Annotated[str, Field(min_length=4, max_length=10, pattern=r"^[0-9]{4}(-Q[1-4]|-[0-9]{2}|-W[0-9]{2})?$",
                                   description="2027, 2027-Q1, 2027-03 or 2027-W05")]
Year = Annotated[int, Field(ge=2000, le=2100)]


class TargetPlanOut(Schema):
    id: int
    year: int
    measure: str
    revision: int
    status: str
    time_split: str
    org_split: str
    with_weeks: bool
    dimension_kind: str
    note: str
    approved_by_id: int | None
    approved_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_measure(plan):
        return plan.measure.key


class CellOut(Schema):
    node: str
    period: str
    amount: Decimal
    proposed: Decimal | None


class MismatchOut(Schema):
    axis: str
    node: str
    period: str
    amount: Decimal
    children: Decimal
    difference: Decimal


class PlanDetailOut(TargetPlanOut):
    cells: list[CellOut]
    mismatches: list[MismatchOut]


class ApprovedTargetPlanOut(TargetPlanOut):
    not_signed_off: list[str]  # team nodes whose manager has not signed off (a warning; see targets.signoff)

    @staticmethod
    def resolve_not_signed_off(plan):
        return [s.node for s in getattr(plan, "unsigned", [])]


class TargetSignOffOut(Schema):
    node: str
    label: str
    manager: str
    signed_by: str
    signed_at: datetime.datetime | None
    current: bool


class TargetSignOffIn(InputSchema):
    node: NodeKey
    proposals_reviewed: bool = False
    version: Version | None = None


class DimensionSplitIn(InputSchema):
    node: NodeKey
    period: PeriodLabel
    method: Literal["even", "last_year", "manual"] = "even"
    amounts: dict[Annotated[str, Field(max_length=80, pattern=NO_NUL)], Money] | None = None
    version: Version | None = None


class DimensionCompletionOut(Schema):
    dimension: str
    label: str
    target: Decimal | None
    actual: Decimal
    completion_pct: Decimal | None


class TargetPlanIn(InputSchema):
    year: Year
    measure: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")]  # a measure key (slug)
    total: Money
    time_split: Literal["even", "seasonal"] = "even"
    with_weeks: bool = False
    dimension_kind: Literal["", "region", "series", "class"] = ""
    note: text(TargetPlan, "note") = ""


class SplitIn(InputSchema):
    axis: Literal["time", "org"]
    node: NodeKey = "company"
    method: Literal["even", "seasonal", "manual", "headcount", "last_year"]
    cascade: bool = False
    amounts: dict[Annotated[str, Field(max_length=24, pattern=NO_NUL)], Money] | None = None
    within: PeriodLabel | None = None  # time, manual: the amounts are this period's sub-periods and must add up
    exact: bool = False  # organisation, manual: the children's totals must add up to the node's year
    version: Version | None = None


class CellIn(InputSchema):
    node: NodeKey
    period: PeriodLabel
    amount: Money
    version: Version | None = None


class ProposalIn(InputSchema):
    node: NodeKey
    period: PeriodLabel
    amount: Money


class TargetPlanVersionIn(InputSchema):
    version: Version | None = None


class SplitOut(Schema):
    cells: int
    note: str
    plan: TargetPlanOut


class CompletionRowOut(Schema):
    node: str
    name: str
    kind: str
    depth: int
    target: str | None
    actual: str | None
    completion_pct: str | None
    elapsed_pct: str | None
    deviation: str | None
    gap: str | None
    per_day: str | None
    per_month: str | None
    days_left: int
    colour: str
    note: str


class CompletionOut(Schema):
    period: str
    measure: str
    plan_id: int | None
    today: datetime.date
    rows: list[CompletionRowOut]


def _plan(user, plan_id) -> TargetPlan:
    if plans_for(user) is None:
        raise PermissionDenied
    return get_object_or_404(TargetPlan.objects.select_related("measure"), pk=plan_id)


def _visible_nodes(user, tree) -> set[str]:
    root = root_for(user, tree)
    if root is None:
        raise PermissionDenied(_("You have no targets to see."))
    return set(tree.walk(root))


@router.get("/plans", response=list[TargetPlanOut], summary="Target plans, newest year first")
def list_plans(request):
    plans = plans_for(request.user)
    if plans is None:
        raise PermissionDenied
    return list(plans)


@router.get("/plans/{plan_id}", response=PlanDetailOut,
            summary="A plan with the cells of the nodes the caller sees and every figure that does not add up")
def plan_detail(request, plan_id: PathId):
    plan = _plan(request.user, plan_id)
    tree = OrgTree.load()
    visible = _visible_nodes(request.user, tree)
    grid = services.cells(plan)
    mismatches = [m for m in services.check_plan(plan, tree, grid) if m.node in visible]
    plan.cells = [{"node": c.node, "period": c.period, "amount": c.amount, "proposed": c.proposed}
                       for c in sorted(grid.values(), key=lambda c: (c.node, c.starts_on, c.period_kind))
                       if c.node in visible]
    plan.mismatches = [{"axis": m.axis, "node": m.node, "period": m.period, "amount": m.amount,
                             "children": m.children, "difference": m.difference} for m in mismatches]
    return plan


@router.post("/plans", response={201: TargetPlanOut}, summary="Create a draft plan (directors and administrators)")
def create_plan(request, payload: TargetPlanIn):
    plan = services.create_plan(actor=request.user, **payload.dict())
    return Status(201, plan)


@router.post("/plans/{plan_id}/split", response=SplitOut,
             summary="Split a node over time (even|seasonal|manual) or the organisation (headcount|last_year|manual)")
def split(request, plan_id: PathId, payload: SplitIn):
    plan = _plan(request.user, plan_id)
    if payload.axis == "time":
        result = services.split_time(actor=request.user, plan=plan, node=payload.node, method=payload.method,
                                     amounts=payload.amounts, exact_within=payload.within, version=payload.version)
    else:
        result = services.split_org(actor=request.user, plan=plan, node=payload.node, method=payload.method,
                                    amounts=payload.amounts, cascade=payload.cascade, exact=payload.exact,
                                    version=payload.version)
    plan.refresh_from_db()
    return {"cells": result.cells, "note": result.note, "plan": plan}


@router.post("/plans/{plan_id}/cells", response=CellOut, summary="Set one top-down cell by hand")
def set_cell(request, plan_id: PathId, payload: CellIn):
    cell = services.set_cell(actor=request.user, plan=_plan(request.user, plan_id), **payload.dict())
    return cell


@router.post("/plans/{plan_id}/proposals", response=CellOut,
             summary="Submit a node's own bottom-up figure (a rep for themself, a manager for their team)")
def submit_proposal(request, plan_id: PathId, payload: ProposalIn):
    return services.submit_proposal(actor=request.user, plan=_plan(request.user, plan_id), **payload.dict())


@router.post("/plans/{plan_id}/dimension-split", response=SplitOut,
             summary="Split a node's target for a period by the plan's dimension (even|last_year|manual)")
def dimension_split(request, plan_id: PathId, payload: DimensionSplitIn):
    plan = _plan(request.user, plan_id)
    result = dimensions.split_dimension(actor=request.user, plan=plan, **payload.dict())
    plan.refresh_from_db()
    return {"cells": result.cells, "note": result.note, "plan": plan}


@router.get("/plans/{plan_id}/dimensions", response=list[DimensionCompletionOut],
            summary="A node's target, actual and completion per value of the plan's dimension, for a period")
def dimension_completion(request, plan_id: PathId, node: Annotated[str, Query(max_length=24, pattern=NO_NUL)],
                         period: Annotated[str, Query(max_length=10, pattern=NO_NUL)]):
    plan = _plan(request.user, plan_id)
    tree = OrgTree.load()
    if node not in _visible_nodes(request.user, tree):
        raise ValidationError({"node": _("No such record, or you may not see it.")})
    try:
        return dimensions.completion_by_value(plan, node, period, tree)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None


@router.get("/plans/{plan_id}/sign-offs", response=list[TargetSignOffOut],
            summary="Each manager-led team's sign-off of its part of the plan (current: unchanged since)")
def sign_offs(request, plan_id: PathId):
    plan = _plan(request.user, plan_id)
    tree = OrgTree.load()
    visible = _visible_nodes(request.user, tree)
    return [s for s in signoff.statuses(plan, tree, services.cells(plan)).values() if s.node in visible]


@router.post("/plans/{plan_id}/sign-offs", response=TargetSignOffOut,
             summary="A manager signs off their team's part: it must add up; differing proposals must be reviewed")
def sign_off(request, plan_id: PathId, payload: TargetSignOffIn):
    plan = _plan(request.user, plan_id)
    signoff.sign_off_node(actor=request.user, plan=plan, **payload.dict())
    tree = OrgTree.load()
    return signoff.statuses(plan, tree, services.cells(plan))[payload.node]


@router.post("/plans/{plan_id}/approve", response=ApprovedTargetPlanOut,
             summary="Approve a draft (refused, naming what does not add up); supersedes the approved revision; "
                     "lists the team parts not signed off by their manager")
def approve(request, plan_id: PathId, payload: TargetPlanVersionIn | None = None):
    version = payload.version if payload else None
    return services.approve_plan(actor=request.user, plan=_plan(request.user, plan_id), version=version)


@router.post("/plans/{plan_id}/roll-up", response=TargetPlanOut,
             summary="Make every parent the sum of its children (after importing reps' months, say)")
def roll_up(request, plan_id: PathId, payload: TargetPlanVersionIn | None = None):
    plan = _plan(request.user, plan_id)
    services.roll_up(actor=request.user, plan=plan, version=payload.version if payload else None)
    plan.refresh_from_db()
    return plan


@router.post("/plans/{plan_id}/revise", response={201: TargetPlanOut}, summary="Copy an approved plan into a new draft")
def revise(request, plan_id: PathId):
    return Status(201, services.revise_plan(actor=request.user, plan=_plan(request.user, plan_id)))


@router.get("/completion", response=CompletionOut,
            summary="Completion for a period (2026, 2026-Q4, 2026-11, 2026-W47) from a node (default: the caller's "
                    "own top node) down")
def completion(request, period: Annotated[str, Field(max_length=10, pattern=NO_NUL)],
               measure: Annotated[str, Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")] = "signed_amount",
               node: Annotated[str | None, Field(max_length=24, pattern=NO_NUL)] = None):
    try:
        span = parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    if not Measure.objects.filter(key=measure).exists():
        raise ValidationError({"measure": _("Unknown measure.")})
    result = completion_tree(request.user, measure, span, node=node)
    return {"period": span.label, "measure": measure, "plan_id": result.plan.pk if result.plan else None,
            "today": result.today, "rows": [row.as_dict() for row in result.rows]}
