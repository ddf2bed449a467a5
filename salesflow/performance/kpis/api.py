"""KPI API under /api/v1/performance/kpis/: the KPI library, scorecards, leaderboards and values entered by hand —
the same selectors and services as the pages (a rep reads only their own scorecard; a manager their subtree)."""

from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from salesflow.core.api_schemas import NO_NUL, Id, InputSchema, QueryId
from salesflow.org import access
from salesflow.org.models import Team

from ..models import Kpi, ManualValue
from . import payloads, services

router = Router(tags=["performance"])

PeriodText = Annotated[str, Query(max_length=10, pattern=NO_NUL)]
KpiKey = Annotated[str, Query(max_length=40, pattern=NO_NUL)]


class KpiOut(Schema):
    key: str
    label: str
    family: str
    formula: str
    figure: str
    denominator: str
    measure: str
    direction: str
    unit: str


class ScorecardLineOut(Schema):
    kpi: str
    label: str
    unit: str
    weight: Decimal
    value: Decimal | None
    target: Decimal | None
    approved_target: bool
    score: Decimal | None
    weighted: Decimal


class CardOut(Schema):
    user: int | None = None
    team: int | None = None
    name: str
    weighted_total: Decimal
    score_cap: Decimal
    lines: list[ScorecardLineOut]


class BoardRowOut(Schema):
    rank: int | None
    name: str
    value: Decimal | None
    previous_rank: int | None
    change: int | None
    new: bool
    me: bool


class BoardOut(Schema):
    kpi: str
    label: str
    unit: str
    period: str
    scope: str
    ranked: int
    rows: list[BoardRowOut]


class ManualIn(InputSchema):
    kpi: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    period: Annotated[str, Field(max_length=10, pattern=NO_NUL)]
    value: Annotated[Decimal, Field(max_digits=18, decimal_places=2),
                     WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$",
                                     "description": "The value: up to 16 digits and 2 decimals."})]
    user_id: Id | None = None
    team_id: Id | None = None


class ManualOut(Schema):
    id: int
    kpi: str = Field(..., alias="kpi.key")
    period: str
    value: Decimal
    user_id: int | None
    team_id: int | None


def _period(label, kinds=("month", "quarter", "year")):
    try:
        return payloads.period_from(label or None, kinds)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None


@router.get("/", response=list[KpiOut], summary="The KPI library (active KPIs)")
def list_kpis(request):
    return [KpiOut(label=k.label, **{f: getattr(k, f) for f in KpiOut.model_fields if f != "label"})
            for k in Kpi.objects.filter(active=True)]


@router.get("/scorecards/", response=list[CardOut],
            summary="Scorecards for a month or quarter: one person's (user), one team's (team) or all one may see")
def scorecards(request, period: PeriodText = "", user: QueryId = None, team: QueryId = None):
    try:
        return payloads.scorecards_for(request.user, _period(period, ("month", "quarter")), user_id=user,
                                       team_id=team)
    except LookupError:
        field = "user" if user is not None else "team"
        raise ValidationError({field: _("No such record, or you may not see it.")}) from None


@router.get("/leaderboard/", response=BoardOut,
            summary="A KPI's leaderboard: scope company, teams (team vs team) or team:<id>; period month/quarter/year")
def leaderboard(request, kpi: KpiKey = "signed_amount", period: PeriodText = "",
                scope: Annotated[str, Query(max_length=20, pattern=NO_NUL)] = "company"):
    try:
        return payloads.leaderboard_data(request.user, _period(period), kpi, scope)
    except ValueError as error:
        raise ValidationError({"kpi" if "KPI" in str(error) else "scope": str(error)}) from None


@router.get("/manual-values/", response=list[ManualOut], summary="Values entered by hand that one may see")
def list_manual_values(request, period: PeriodText = ""):
    people = access.users_in_scope(request.user)
    teams = (Team.objects.all() if access.effective_scope(request.user) == "all"
             else Team.objects.filter(pk__in=access.team_subtree_ids(request.user)))
    rows = ManualValue.objects.filter(user__in=people) | ManualValue.objects.filter(team__in=teams)
    if period:
        rows = rows.filter(period=_period(period).label)
    return rows.select_related("kpi").order_by("-period", "id")[:500]


@router.post("/manual-values/", response={201: ManualOut}, summary="Enter a KPI value by hand (manager, admin)")
def enter_manual_value(request, payload: ManualIn):
    kpi = Kpi.objects.filter(key=payload.kpi).first()
    if kpi is None:
        raise ValidationError({"kpi": f"unknown KPI {payload.kpi!r}"})
    user = access.users_in_scope(request.user).filter(pk=payload.user_id).first() if payload.user_id else None
    team = Team.objects.filter(pk=payload.team_id).first() if payload.team_id else None
    if (payload.user_id and user is None) or (payload.team_id and team is None):
        raise Http404
    if not request.user.is_manager_or_above:
        raise access.PermissionDenied("manager")
    row = services.enter_manual_value(actor=request.user, kpi=kpi, period=payload.period, value=payload.value,
                                      user=user, team=team)
    return Status(201, row)
