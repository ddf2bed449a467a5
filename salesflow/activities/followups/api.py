"""/api/v1/activities/followups/: list (the list page's filters), create, detail, update (send the version you
read → 409 if stale), delete. Every call goes through the same services as the pages."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.contracts.models import Agreement
from salesflow.core.api_schemas import (
    NO_NUL,
    BusinessDate,
    Id,
    InputSchema,
    Page,
    PathId,
    QueryDate,
    QueryId,
    QueryText,
    Version,
    choice,
    text,
)
from salesflow.customers.models import Contact, Customer
from salesflow.leads.models import Lead
from salesflow.org import access
from salesflow.org.models import User
from salesflow.pipeline.models import Opportunity

from ..models import Activity
from . import services
from .forms import FollowupFilterForm
from .selectors import DISPLAY_RELATED, visible_activities

router = Router(tags=["follow-ups"])

LongText = Annotated[str, Field(max_length=10_000, pattern=NO_NUL)]


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    notes: str
    occurred_at: datetime
    owner_id: int
    owner_name: str
    team_id: int | None
    customer_id: int | None
    contact_id: int | None
    opportunity_id: int | None
    lead_id: int | None
    agreement_id: int | None
    visit_plan_id: int | None
    outcome: str
    commitment_obtained: bool | None
    next_step: str
    next_contact_on: date | None
    created_at: datetime
    version: int

    @staticmethod
    def resolve_owner_name(obj):
        return str(obj.owner)


class ActivityFields(InputSchema):
    kind: choice(Activity, "kind") = None
    subject: text(Activity, "subject", required=True) = None
    notes: LongText = None
    occurred_at: datetime = None
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    agreement_id: Id | None = None
    outcome: LongText = None
    commitment_obtained: bool | None = None
    next_step: text(Activity, "next_step") = None
    next_contact_on: BusinessDate | None = None


class ActivityIn(ActivityFields):
    """A follow-up about a customer or a lead (at least one); ``owner_id``: record it for someone you oversee."""

    kind: choice(Activity, "kind") = Activity.Kind.CALL
    subject: text(Activity, "subject", required=True)
    customer_id: Id | None = None
    lead_id: Id | None = None
    owner_id: Id | None = None


class ActivityPatch(ActivityFields):
    """Send only the fields to change, with the version you read."""

    version: Version
    customer_id: Id | None = None
    lead_id: Id | None = None


LINKS = {"customer": Customer, "contact": Contact, "opportunity": Opportunity, "lead": Lead,
         "agreement": Agreement}


def _data(payload, *, user) -> dict:
    """The body as the service's ``data``: linked ids become the records (404 for one the caller may not see)."""
    changes = payload.dict(exclude_unset=True)
    for key in ("version", "owner_id"):
        changes.pop(key, None)
    if changes.get("occurred_at") is not None and timezone.is_naive(changes["occurred_at"]):
        changes["occurred_at"] = timezone.make_aware(changes["occurred_at"])  # read as Beijing time
    for name, model in LINKS.items():
        key = f"{name}_id"
        if key in changes:
            value = changes.pop(key)
            changes[name] = access.get_visible_or_404(model, user, pk=value) if value is not None else None
    return changes


def _get(request, activity_id) -> Activity:
    return access.get_visible_or_404(Activity.objects.select_related(*DISPLAY_RELATED), request.user,
                                     pk=activity_id)


@router.get("/", response=list[ActivityOut], summary="Follow-ups the caller may see (the list page's filters)")
@paginate(Page)
def list_followups(request, q: QueryText = "", kind: QueryText = "", owner: QueryId = None,
                   customer: QueryId = None, date_from: QueryDate = None, date_to: QueryDate = None):
    filters = {k: str(v) for k, v in locals().items() if k != "request" and v not in (None, "")}
    form = FollowupFilterForm(filters, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.apply(visible_activities(request.user)).order_by("-occurred_at", "-id")


@router.get("/{activity_id}", response=ActivityOut)
def get_followup(request, activity_id: PathId):
    return _get(request, activity_id)


@router.post("/", response={201: ActivityOut}, summary="Record a follow-up (moves the last contact forward)")
def create_followup(request, payload: ActivityIn):
    owner = get_object_or_404(User, pk=payload.owner_id, is_active=True) if payload.owner_id else None
    activity = services.record_activity(actor=request.user, data=_data(payload, user=request.user), owner=owner)
    return Status(201, activity)


@router.patch("/{activity_id}", response=ActivityOut, summary="Update; send the version you read")
def update_followup(request, activity_id: PathId, payload: ActivityPatch):
    activity = _get(request, activity_id)
    return services.update_activity(activity, actor=request.user, data=_data(payload, user=request.user),
                                     version=payload.version)


@router.delete("/{activity_id}", response={204: None}, summary="Delete (owner or their manager)")
def delete_followup(request, activity_id: PathId):
    services.delete_activity(_get(request, activity_id), actor=request.user)
    return Status(204, None)
