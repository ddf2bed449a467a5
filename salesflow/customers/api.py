from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import (
    MAX_PAGE_SIZE,
    Birthday,
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
from salesflow.core.concurrency import apply_versioned_changes
from salesflow.org import access
from salesflow.org.models import User

from . import services
from .forms import CustomerFilterForm
from .models import Contact, Customer, OwnershipChange

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    credit_code: str
    industry: str
    size: str
    region_id: int | None
    address: str
    phone: str
    email: str
    source: str
    customer_class: str
    value_level: str
    potential_level: str
    lifecycle_stage: str
    credit_limit: Decimal
    payment_terms_days: int
    status: str
    owner_id: int | None
    team_id: int | None
    last_contact_at: datetime | None
    version: int
    created_at: datetime


class CustomerIn(InputSchema):
    name: text(Customer, "name", required=True)
    credit_code: text(Customer, "credit_code") = ""
    industry: text(Customer, "industry") = ""
    size: choice(Customer, "size") = ""
    region_id: Id | None = None
    address: text(Customer, "address") = ""
    phone: text(Customer, "phone") = ""
    email: text(Customer, "email") = ""
    source: text(Customer, "source") = ""
    customer_class: choice(Customer, "customer_class") = "B"
    lifecycle_stage: choice(Customer, "lifecycle_stage") = "prospect"
    credit_limit: Money = Decimal(0)
    notes: text(Customer, "notes") = ""


class CustomerPatch(InputSchema):
    """Send only the fields to change. null is accepted only for region_id (no region)."""

    version: Version
    name: text(Customer, "name", required=True) = None
    credit_code: text(Customer, "credit_code") = None
    industry: text(Customer, "industry") = None
    size: choice(Customer, "size") = None
    region_id: Id | None = None
    address: text(Customer, "address") = None
    phone: text(Customer, "phone") = None
    email: text(Customer, "email") = None
    customer_class: choice(Customer, "customer_class") = None
    lifecycle_stage: choice(Customer, "lifecycle_stage") = None
    credit_limit: Money = None
    notes: text(Customer, "notes") = None


class CreatedCustomer(Schema):
    customer: CustomerOut
    possible_duplicates: list[int]


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    decision_role: str
    attitude: str
    phone: str
    email: str
    wechat: str
    birthday: date | None
    is_primary: bool
    version: int


class ContactIn(InputSchema):
    name: text(Contact, "name", required=True)
    title: text(Contact, "title") = ""
    decision_role: choice(Contact, "decision_role") = "other"
    attitude: choice(Contact, "attitude") = "unknown"
    phone: text(Contact, "phone") = ""
    email: text(Contact, "email") = ""
    wechat: text(Contact, "wechat") = ""
    birthday: Birthday | None = None
    is_primary: bool = False


class ReasonIn(InputSchema):
    reason: text(OwnershipChange, "reason", required=True)


class AssignIn(InputSchema):
    owner_id: Id
    reason: text(OwnershipChange, "reason") = ""


class TransferIn(InputSchema):
    customer_ids: list[Id] = Field(min_length=1, max_length=MAX_PAGE_SIZE)
    owner_id: Id
    reason: text(OwnershipChange, "reason") = ""


class TransferOut(Schema):
    moved: int


@router.get("/", response=list[CustomerOut], summary="Customers the caller may see (filters as on the list page)")
@paginate(Page)
def list_customers(request, q: QueryText = "", owner: QueryId = None, team: QueryId = None,
                   region: QueryId = None, industry: QueryText = "", customer_class: QueryText = "",
                   lifecycle_stage: QueryText = "",
                   tag: QueryId = None, source: QueryText = "", created_from: QueryDate = None,
                   created_to: QueryDate = None, sort: QueryText = ""):
    filters = {k: str(v) for k, v in locals().items() if k != "request" and v not in (None, "")}
    form = CustomerFilterForm(filters, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.apply(Customer.objects.visible_to(request.user))


@router.get("/pool", response=list[CustomerOut], summary="Unowned customers (the pool)")
@paginate(Page)
def pool(request, q: QueryText = ""):
    if not services.can_use_pool(request.user):
        raise PermissionDenied
    return Customer.objects.in_pool().search(q).order_by("-pool_entered_at", "-id")


@router.post("/transfer", response=TransferOut, summary="Transfer several customers to one rep (managers)")
def transfer(request, payload: TransferIn):
    customers = list(Customer.objects.visible_to(request.user).filter(pk__in=payload.customer_ids))
    owner = get_object_or_404(User, pk=payload.owner_id)
    moved = services.transfer_customers(actor=request.user, customers=customers, to_owner=owner,
                                        reason=payload.reason)
    return {"moved": moved}


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: PathId):
    return access.get_visible_or_404(Customer, request.user, pk=customer_id)


@router.post("/", response={201: CreatedCustomer}, summary="Create (owned by the caller); lists look-alikes")
def create_customer(request, payload: CustomerIn):
    data = payload.dict()
    duplicates = services.duplicates_seen_by(request.user, services.find_duplicate_customers(
        name=data["name"], phone=data["phone"], email=data["email"], credit_code=data["credit_code"]))
    customer = services.create_customer(actor=request.user, owner=request.user, **data)
    # Only customers the caller may open are listed (others would reveal colleagues' records).
    return Status(201, {"customer": customer, "possible_duplicates": [d.record.pk for d in duplicates if d.visible]})


@router.patch("/{customer_id}", response=CustomerOut, summary="Update; send the version you read (409 if stale)")
@transaction.atomic
def update_customer(request, customer_id: PathId, payload: CustomerPatch):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    access.require_change(request.user, customer)
    return apply_versioned_changes(customer, payload.dict(exclude_unset=True))


@router.post("/{customer_id}/claim", response=CustomerOut, summary="Claim a pool customer")
def claim(request, customer_id: PathId):
    customer = get_object_or_404(Customer.objects.in_pool(), pk=customer_id)
    return services.claim_customer(actor=request.user, customer=customer)


@router.post("/{customer_id}/return", response=CustomerOut, summary="Return a customer to the pool")
def return_to_pool(request, customer_id: PathId, payload: ReasonIn):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    return services.return_customer_to_pool(actor=request.user, customer=customer, reason=payload.reason)


@router.post("/{customer_id}/assign", response=CustomerOut, summary="Assign or transfer (managers)")
def assign(request, customer_id: PathId, payload: AssignIn):
    customer = get_object_or_404(Customer, pk=customer_id)
    if customer.owner_id is not None:
        customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    owner = get_object_or_404(User, pk=payload.owner_id)
    return services.assign_customer(actor=request.user, customer=customer, owner=owner, reason=payload.reason)


@router.get("/{customer_id}/contacts", response=list[ContactOut])
@paginate(Page)
def list_contacts(request, customer_id: PathId):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    return customer.contacts.all()


@router.post("/{customer_id}/contacts", response={201: ContactOut})
def create_contact(request, customer_id: PathId, payload: ContactIn):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    access.require_change(request.user, customer)
    contact = Contact(customer=customer, **payload.dict())
    contact.full_clean()
    contact.save()
    return Status(201, contact)
