from datetime import datetime

from django.db import transaction
from ninja import Router, Schema
from ninja.pagination import paginate

from salesflow.core.api_schemas import Page
from salesflow.org import access

from .models import Customer

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    industry: str
    region_id: int | None
    owner_id: int | None
    team_id: int | None
    version: int
    created_at: datetime


class CustomerIn(Schema):
    name: str
    industry: str = ""
    region_id: int | None = None
    notes: str = ""


class CustomerPatch(Schema):
    version: int
    name: str | None = None
    industry: str | None = None
    region_id: int | None = None
    notes: str | None = None


@router.get("", response=list[CustomerOut], summary="Customers the caller may see")
@paginate(Page)
def list_customers(request, q: str = "", owner: int | None = None):
    customers = Customer.objects.visible_to(request.user).search(q)
    if owner:
        customers = customers.filter(owner_id=owner)
    return customers


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: int):
    return access.get_visible_or_404(Customer, request.user, pk=customer_id)


@router.post("", response={201: CustomerOut})
def create_customer(request, payload: CustomerIn):
    customer = Customer(**payload.dict(), owner=request.user)
    customer.full_clean()
    customer.save()
    return 201, customer


@router.patch("/{customer_id}", response=CustomerOut, summary="Update; send the version you read (409 if stale)")
@transaction.atomic
def update_customer(request, customer_id: int, payload: CustomerPatch):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_id)
    access.require_change(request.user, customer)
    changes = payload.dict(exclude_unset=True)
    customer.version = changes.pop("version")
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.full_clean()
    customer.save()
    return customer
