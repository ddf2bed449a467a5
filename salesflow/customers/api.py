from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import Page
from salesflow.core.concurrency import apply_versioned_changes
from salesflow.org import access
from salesflow.org.models import User

from . import services
from .forms import CustomerFilterForm
from .models import Contact, Customer

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


class CustomerIn(Schema):
    name: str
    credit_code: str = ""
    industry: str = ""
    size: str = ""
    region_id: int | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    source: str = ""
    customer_class: str = "B"
    lifecycle_stage: str = "prospect"
    credit_limit: Decimal = Decimal(0)
    notes: str = ""


class CustomerPatch(Schema):
    version: int
    name: str | None = None
    credit_code: str | None = None
    industry: str | None = None
    size: str | None = None
    region_id: int | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    customer_class: str | None = None
    lifecycle_stage: str | None = None
    credit_limit: Decimal | None = None
    notes: str | None = None


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


class ContactIn(Schema):
    name: str
    title: str = ""
    decision_role: str = "other"
    attitude: str = "unknown"
    phone: str = ""
    email: str = ""
    wechat: str = ""
    birthday: date | None = None
    is_primary: bool = False


class ReasonIn(Schema):
    reason: str


class AssignIn(Schema):
    owner_id: int
    reason: str = ""


class TransferIn(Schema):
    customer_ids: list[int]
    owner_id: int
    reason: str = ""


@router.get("/", response=list[CustomerOut], summary="Customers the caller may see (filters as on the list page)")
@paginate(Page)
def list_customers(request, q: str = "", owner: int | None = None, team: int | None = None,
                   region: int | None = None, industry: str = "", customer_class: str = "", lifecycle_stage: str = "",
                   tag: int | None = None, source: str = "", created_from: date | None = None,
                   created_to: date | None = None, sort: str = ""):
    filters = {k: str(v) for k, v in locals().items() if k != "request" and v not in (None, "")}
    form = CustomerFilterForm(filters, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.apply(Customer.objects.visible_to(request.user))


@router.get("/pool", response=list[CustomerOut], summary="Unowned customers (the pool)")
@paginate(Page)
def pool(request, q: str = ""):
    if not services.can_use_pool(request.user):
        raise PermissionDenied
    return Customer.objects.in_pool().search(q).order_by("-pool_entered_at", "-id")


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: int):
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
def update_customer(request, customer_id: int, payload: CustomerPatch):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    access.require_change(request.user, customer)
    return apply_versioned_changes(customer, payload.dict(exclude_unset=True))


@router.post("/{customer_id}/claim", response=CustomerOut, summary="Claim a pool customer")
def claim(request, customer_id: int):
    customer = get_object_or_404(Customer.objects.in_pool(), pk=customer_id)
    return services.claim_customer(actor=request.user, customer=customer)


@router.post("/{customer_id}/return", response=CustomerOut, summary="Return a customer to the pool")
def return_to_pool(request, customer_id: int, payload: ReasonIn):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    return services.return_customer_to_pool(actor=request.user, customer=customer, reason=payload.reason)


@router.post("/{customer_id}/assign", response=CustomerOut, summary="Assign or transfer (managers)")
def assign(request, customer_id: int, payload: AssignIn):
    customer = get_object_or_404(Customer, pk=customer_id)
    if customer.owner_id is not None:
        customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    owner = get_object_or_404(User, pk=payload.owner_id)
    return services.assign_customer(actor=request.user, customer=customer, owner=owner, reason=payload.reason)


@router.post("/transfer", response={200: dict}, summary="Transfer several customers to one rep (managers)")
def transfer(request, payload: TransferIn):
    customers = list(Customer.objects.visible_to(request.user).filter(pk__in=payload.customer_ids))
    owner = get_object_or_404(User, pk=payload.owner_id)
    moved = services.transfer_customers(actor=request.user, customers=customers, to_owner=owner,
                                        reason=payload.reason)
    return {"moved": moved}


@router.get("/{customer_id}/contacts", response=list[ContactOut])
@paginate(Page)
def list_contacts(request, customer_id: int):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    return customer.contacts.all()


@router.post("/{customer_id}/contacts", response={201: ContactOut})
def create_contact(request, customer_id: int, payload: ContactIn):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    access.require_change(request.user, customer)
    contact = Contact(customer=customer, **payload.dict())
    contact.full_clean()
    contact.save()
    return Status(201, contact)
