"""API of visit plans under /api/v1/activities/visits/: list, create, detail, update, check in, record, cancel.
Every write goes through :mod:`.services`; a refused rule answers 4xx naming the field."""

import datetime
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import (
    BusinessDate,
    Id,
    InputSchema,
    Page,
    PathId,
    QueryDate,
    QueryId,
    QueryText,
    Version,
    text,
)
from salesflow.customers.models import Contact, Customer
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

from ..models import Activity, VisitPlan
from . import services

router = Router(tags=["visit plans"])

MAX_SPAN_DAYS = 366


class PlanOut(Schema):
    id: int
    owner_id: int
    owner_name: str
    team_id: int | None
    customer_id: int
    customer_name: str
    opportunity_id: int | None
    contact_ids: list[int]
    planned_on: date
    planned_time: time | None
    objective: str
    commitment_sought: str
    status: str
    checked_in_at: datetime.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    location_accuracy: int | None
    source_activity_id: int | None
    record_id: int | None
    version: int

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return str(obj.owner)

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_contact_ids(obj) -> list[int]:
        return [c.pk for c in obj.contacts.all()]

    @staticmethod
    def resolve_record_id(obj) -> int | None:
        record = getattr(obj, "record", None) if obj.status == VisitPlan.Status.DONE else None
        return record.pk if record else None


class RecordOut(Schema):
    id: int
    kind: str
    subject: str
    occurred_at: datetime.datetime
    owner_id: int
    customer_id: int | None
    contact_id: int | None
    opportunity_id: int | None
    visit_plan_id: int | None
    outcome: str
    commitment_obtained: bool | None
    next_step: str
    next_contact_on: date | None
    notes: str
    next_plan_ids: list[int]
    next_task_ids: list[int]
    version: int

    @staticmethod
    def resolve_next_plan_ids(obj) -> list[int]:
        return list(obj.next_plans.values_list("id", flat=True))

    @staticmethod
    def resolve_next_task_ids(obj) -> list[int]:
        return list(obj.next_tasks.values_list("id", flat=True))


class PlanIn(InputSchema):
    customer_id: Id
    planned_on: BusinessDate
    planned_time: time | None = None
    objective: text(VisitPlan, "objective", required=True)
    commitment_sought: text(VisitPlan, "commitment_sought") = ""
    opportunity_id: Id | None = None
    contact_ids: list[Id] = Field([], max_length=50)
    owner_id: Id | None = None


class PlanPatch(InputSchema):
    """Send only the fields to change, with the version you read."""

    version: Version
    planned_on: BusinessDate = None
    planned_time: time | None = None
    objective: text(VisitPlan, "objective", required=True) = None
    commitment_sought: text(VisitPlan, "commitment_sought") = None
    opportunity_id: Id | None = None
    contact_ids: list[Id] = Field(None, max_length=50)


class CheckInIn(InputSchema):
    version: Version | None = None
    # Plain JSON numbers, as a browser's geolocation gives them; stored rounded to 6 places (about 0.1 m).
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    accuracy: Annotated[float, Field(ge=0, le=1_000_000)] | None = None


class RecordIn(InputSchema):
    version: Version | None = None
    subject: text(Activity, "subject") = ""
    outcome: text(Activity, "outcome") = ""
    notes: text(Activity, "notes") = ""
    commitment_obtained: bool | None = None
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    next_step: text(Activity, "next_step") = ""
    next_contact_on: BusinessDate | None = None
    next_kind: Literal["visit", "task"] = "visit"


class CancelIn(InputSchema):
    version: Version | None = None
    reason: Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00]*$")]


def _plans():
    return VisitPlan.objects.select_related("customer", "owner").prefetch_related("contacts", "record")


def _get(request, plan_id) -> VisitPlan:
    return access.get_visible_or_404(_plans(), request.user, pk=plan_id)


def _visible(model, user, pk, field):
    """A linked record by id, refused by field name when it does not exist or is not visible."""
    if pk is None:
        return None
    found = model.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("No such record, or not one you may see.")})
    return found


def _contacts(request, ids, customer_id):
    contacts = list(Contact.objects.visible_to(request.user).filter(pk__in=ids))
    if len(contacts) != len(set(ids)):
        raise ValidationError({"contact_ids": _("No such record, or not one you may see.")})
    if any(c.customer_id != customer_id for c in contacts):
        raise ValidationError({"contact_ids": _("Every contact must belong to the customer visited.")})
    return contacts


@router.get("/", response=list[PlanOut], summary="Visit plans the caller may see (filters: dates, owner, status)")
@paginate(Page)
def list_plans(request, date_from: QueryDate = None, date_to: QueryDate = None, owner: QueryId = None,
               status: QueryText = "", customer: QueryId = None):
    errors = {}
    if status and status not in VisitPlan.Status.values:
        errors["status"] = _("Choose one of: %(expected)s.") % {"expected": ", ".join(VisitPlan.Status.values)}
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _("The end date is before the start date.")
    if errors:
        raise ValidationError(errors)
    plans = VisitPlan.objects.visible_to(request.user)
    if date_from:
        plans = plans.filter(planned_on__gte=date_from)
    if date_to:
        plans = plans.filter(planned_on__lte=date_to)
    if owner:
        plans = plans.filter(owner_id=owner)
    if status:
        plans = plans.filter(status=status)
    if customer:
        plans = plans.filter(customer_id=customer)
    return (plans.select_related("customer", "owner").prefetch_related("contacts", "record")
            .order_by("planned_on", "planned_time", "id"))


@router.get("/{plan_id}", response=PlanOut)
def get_plan(request, plan_id: PathId):
    return _get(request, plan_id)


@router.post("/", response={201: PlanOut}, summary="Plan a visit (a manager may plan for their team)")
def create_plan(request, payload: PlanIn):
    customer = _visible(Customer, request.user, payload.customer_id, "customer_id")
    owner = None
    if payload.owner_id:
        owner = access.users_in_scope(request.user).filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": _("You may only plan visits for yourself or people in your team.")})
    data = {"customer": customer, "planned_on": payload.planned_on, "planned_time": payload.planned_time,
            "objective": payload.objective, "commitment_sought": payload.commitment_sought,
            "opportunity": _visible(Opportunity, request.user, payload.opportunity_id, "opportunity_id")}
    plan = services.plan_visit(actor=request.user, owner=owner, data=data,
                               contacts=_contacts(request, payload.contact_ids, customer.pk))
    return Status(201, _get(request, plan.pk))


@router.patch("/{plan_id}", response=PlanOut, summary="Change a plan; send the version you read")
def update_plan(request, plan_id: PathId, payload: PlanPatch):
    plan = _get(request, plan_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    contact_ids = changes.pop("contact_ids", None)
    if "opportunity_id" in changes:
        changes["opportunity"] = _visible(Opportunity, request.user, changes.pop("opportunity_id"), "opportunity_id")
    for field in ("planned_on", "objective", "commitment_sought"):
        if field in changes and changes[field] is None:
            raise ValidationError({field: _("This field cannot be empty.")})
    contacts = _contacts(request, contact_ids, plan.customer_id) if contact_ids is not None else None
    services.update_plan(plan, actor=request.user, data=changes, version=version, contacts=contacts)
    return _get(request, plan_id)


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


@router.post("/{plan_id}/check-in", response=PlanOut, summary="Check in (location optional, once)")
def check_in(request, plan_id: PathId, payload: CheckInIn):
    plan = _get(request, plan_id)
    services.check_in(plan, actor=request.user, latitude=_coordinate(payload.latitude),
                      longitude=_coordinate(payload.longitude), accuracy=payload.accuracy, version=payload.version)
    return _get(request, plan_id)


@router.post("/{plan_id}/record", response={201: RecordOut},
             summary="Record the visit (once); a next contact date creates the next plan or a task")
def record(request, plan_id: PathId, payload: RecordIn):
    plan = _get(request, plan_id)
    data = payload.dict(exclude={"version", "contact_id", "opportunity_id"})
    if payload.contact_id:
        data["contact"] = _visible(Contact, request.user, payload.contact_id, "contact_id")
    if payload.opportunity_id:
        data["opportunity"] = _visible(Opportunity, request.user, payload.opportunity_id, "opportunity_id")
    activity = services.record_visit(plan, actor=request.user, data=data, version=payload.version)
    return Status(201, activity)


@router.post("/{plan_id}/cancel", response=PlanOut, summary="Cancel a plan not yet visited (a reason is required)")
def cancel(request, plan_id: PathId, payload: CancelIn):
    plan = _get(request, plan_id)
    services.cancel_visit(plan, actor=request.user, reason=payload.reason, version=payload.version)
    return _get(request, plan_id)

