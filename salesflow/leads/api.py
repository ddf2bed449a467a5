import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import (
    BusinessDate,
    Error,
    Id,
    InputSchema,
    Money,
    Page,
    PathId,
    QueryId,
    QueryText,
    Version,
    choice,
    text,
)
from salesflow.core.concurrency import apply_versioned_changes
from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import User
from salesflow.pipeline.models import Opportunity

from . import services
from .models import Lead, LeadSource

router = Router(tags=["leads"])


class LeadOut(Schema):
    id: int
    company: str
    contact_name: str
    title: str
    phone: str
    email: str
    wechat: str
    region_id: int | None
    industry: str
    source_id: int | None
    notes: str
    owner_id: int | None
    status: str
    disqualify_reason: str
    converted_customer_id: int | None
    converted_contact_id: int | None
    converted_opportunity_id: int | None
    version: int
    created_at: datetime.datetime


class LeadIn(InputSchema):
    company: text(Lead, "company", required=True)
    contact_name: text(Lead, "contact_name") = ""
    title: text(Lead, "title") = ""
    phone: text(Lead, "phone") = ""
    email: text(Lead, "email") = ""
    wechat: text(Lead, "wechat") = ""
    region_id: Id | None = None
    industry: text(Lead, "industry") = ""
    source_id: Id | None = None
    notes: text(Lead, "notes") = ""


class LeadPatch(InputSchema):
    """Send only the fields to change; null is not accepted (send "" to clear a text)."""

    version: Version
    company: text(Lead, "company", required=True) = None
    contact_name: text(Lead, "contact_name") = None
    title: text(Lead, "title") = None
    phone: text(Lead, "phone") = None
    email: text(Lead, "email") = None
    wechat: text(Lead, "wechat") = None
    industry: text(Lead, "industry") = None
    notes: text(Lead, "notes") = None


class CreatedLead(Schema):
    lead: LeadOut
    possible_duplicate_leads: list[int]
    possible_duplicate_customers: list[int]


class ConvertIn(InputSchema):
    customer_id: Id | None = None
    create_opportunity: bool = True
    opportunity_subject: text(Opportunity, "subject") = ""
    amount: Money | None = None
    expected_close_date: BusinessDate | None = None


class StatusIn(InputSchema):
    status: choice(Lead, "status")
    reason: text(Lead, "disqualify_reason") = ""


class InboundIn(InputSchema):
    company: text(Lead, "company", required=True)
    contact_name: text(Lead, "contact_name", required=True)
    phone: text(Lead, "phone") = ""
    email: text(Lead, "email") = ""
    notes: text(Lead, "notes") = ""


class InboundOut(Schema):
    id: int


class SourceOut(Schema):
    id: int
    name: str
    channel: str


@router.get("/", response=list[LeadOut])
@paginate(Page)
def list_leads(request, q: QueryText = "", status: QueryText = "", source: QueryId = None, owner: QueryId = None):
    leads = Lead.objects.visible_to(request.user).filter(merged_into__isnull=True).search(q)
    if status:
        leads = leads.filter(status=status)
    if source:
        leads = leads.filter(source_id=source)
    if owner:
        leads = leads.filter(owner_id=owner)
    return leads


@router.get("/sources", response=list[SourceOut], auth=None)
def sources(request):
    return LeadSource.objects.filter(active=True)


@router.post("/inbound", response={201: InboundOut, 429: Error}, auth=None, summary="Public lead form (rate limited)")
def inbound(request, payload: InboundIn):
    try:
        services.register_inbound_submission(request.META.get("REMOTE_ADDR"))
    except services.TooManySubmissions:
        return Status(429, {"message": _("Too many submissions; try again in an hour.")})
    lead, _created = services.receive_inbound_lead(**payload.dict())
    return Status(201, {"id": lead.pk})


@router.get("/{lead_id}", response=LeadOut)
def get_lead(request, lead_id: PathId):
    return access.get_visible_or_404(Lead, request.user, pk=lead_id)


@router.post("/", response={201: CreatedLead})
def create_lead(request, payload: LeadIn):
    data = payload.dict()
    duplicates = services.duplicates_for(actor=request.user, company=data["company"], phone=data["phone"],
                                         email=data["email"])
    lead = services.create_lead(actor=request.user, owner=request.user, **data)
    # Only records the caller may open are listed (others would reveal colleagues' records).
    return Status(201, {"lead": lead,
                        "possible_duplicate_leads": [d.record.pk for d in duplicates["leads"] if d.visible],
                        "possible_duplicate_customers": [c.record.pk for c in duplicates["customers"] if c.visible]})


@router.patch("/{lead_id}", response=LeadOut)
def update_lead(request, lead_id: PathId, payload: LeadPatch):
    lead = access.get_visible_or_404(Lead, request.user, pk=lead_id)
    access.require_change(request.user, lead)
    return apply_versioned_changes(lead, payload.dict(exclude_unset=True))


@router.post("/{lead_id}/status", response=LeadOut)
def change_status(request, lead_id: PathId, payload: StatusIn):
    lead = access.get_visible_or_404(Lead, request.user, pk=lead_id)
    if payload.status not in Lead.Status.values:
        raise ValidationError({"status": f"one of {', '.join(Lead.Status.values)}"})
    return services.change_status(actor=request.user, lead=lead, status=payload.status, reason=payload.reason)


@router.post("/{lead_id}/convert", response=LeadOut, summary="Convert (idempotent: a retry returns the same records)")
def convert(request, lead_id: PathId, payload: ConvertIn):
    lead = access.get_visible_or_404(Lead, request.user, pk=lead_id)
    customer = None
    if payload.customer_id:
        customer = get_object_or_404(Customer, pk=payload.customer_id)
    return services.convert_lead(actor=request.user, lead=lead, customer=customer,
                                 create_opportunity=payload.create_opportunity,
                                 opportunity_subject=payload.opportunity_subject, amount=payload.amount,
                                 expected_close_date=payload.expected_close_date)


@router.post("/{lead_id}/assign/{user_id}", response=LeadOut)
def assign(request, lead_id: PathId, user_id: PathId):
    lead = access.get_visible_or_404(Lead, request.user, pk=lead_id)
    return services.assign_lead(actor=request.user, lead=lead, owner=get_object_or_404(User, pk=user_id))
