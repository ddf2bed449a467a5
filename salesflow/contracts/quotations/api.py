"""Quotations API: list, detail, create from an opportunity, revise, send, accept, reject (the pages' services)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.catalog.models import PriceList, Product
from salesflow.contracts.models import Quotation, QuotationLine
from salesflow.core.api_schemas import (
    BusinessDate,
    Id,
    InputSchema,
    Money,
    Page,
    PathId,
    Quantity,
    QueryId,
    QueryText,
    Rate,
    Version,
    text,
)
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

from . import services
from .forms import QuotationFilterForm

router = Router(tags=["quotations"])

class QuotationLineOut(Schema):
    product_id: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_rate: Decimal
    tax_rate: Decimal
    amount: Decimal
    tax: Decimal


class QuotationOut(Schema):
    id: int
    number: str
    revision: int
    previous_id: int | None
    opportunity_id: int
    customer_id: int
    owner_id: int
    team_id: int | None
    status: str
    currency: str
    valid_until: date
    terms: str
    price_list_id: int | None
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    discount_approved: bool
    created_at: datetime
    sent_at: datetime | None
    version: int


class QuotationDetailOut(QuotationOut):
    lines: list[QuotationLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class QuotationLineIn(InputSchema):
    product_id: Id | None = None
    description: text(QuotationLine, "description") = ""
    quantity: Quantity
    unit_price: Money | None = Field(None, description="Empty: the price list's price, else the list price.")
    discount_rate: Rate = Decimal(0)
    tax_rate: Rate | None = Field(None, description="Empty: the product's tax rate.")


class QuotationIn(InputSchema):
    opportunity_id: Id
    valid_until: BusinessDate | None = None
    terms: text(Quotation, "terms") = ""
    price_list_id: Id | None = None
    lines: list[QuotationLineIn] = Field(..., min_length=1, max_length=100)


class QuotationActionIn(InputSchema):
    version: Version


def _lines(payload_lines) -> list[dict]:
    ids = {line.product_id for line in payload_lines if line.product_id}
    products = Product.objects.in_bulk(ids)
    missing = ids - set(products)
    if missing:
        raise ValidationError({"lines": f"product_id {sorted(missing)[0]}: no such product."})
    return [{"product": products.get(line.product_id), "description": line.description, "quantity": line.quantity,
             "unit_price": line.unit_price, "discount_rate": line.discount_rate, "tax_rate": line.tax_rate}
            for line in payload_lines]


@router.get("/", response=list[QuotationOut], summary="Quotations the caller may see (list page filters)")
@paginate(Page)
def list_quotations(request, q: QueryText = "", status: QueryText = "", owner: QueryId = None):
    filters = {k: str(v) for k, v in {"q": q, "status": status, "owner": owner}.items() if v not in (None, "")}
    form = QuotationFilterForm(filters, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.apply(Quotation.objects.visible_to(request.user)).order_by("-created_at", "-id")


@router.get("/{quotation_id}", response=QuotationDetailOut)
def get_quotation(request, quotation_id: PathId):
    return access.get_visible_or_404(Quotation.objects.prefetch_related("lines"), request.user, pk=quotation_id)


@router.post("/", response={201: QuotationDetailOut}, summary="Create a draft quotation from an opportunity")
def create_quotation(request, payload: QuotationIn):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=payload.opportunity_id)
    price_list = get_object_or_404(PriceList, pk=payload.price_list_id) if payload.price_list_id else None
    quotation = services.create_quotation(actor=request.user, opportunity=opportunity, lines=_lines(payload.lines),
                                          valid_until=payload.valid_until, terms=payload.terms, price_list=price_list)
    return Status(201, quotation)


def _action(request, quotation_id, payload, run):
    quotation = access.get_visible_or_404(Quotation, request.user, pk=quotation_id)
    return run(quotation, actor=request.user, version=payload.version)


@router.post("/{quotation_id}/revise", response={201: QuotationDetailOut},
             summary="A new draft revision (n + 1); the old quotation stays as it was")
def revise(request, quotation_id: PathId, payload: QuotationActionIn):
    return Status(201, _action(request, quotation_id, payload, services.revise_quotation))


@router.post("/{quotation_id}/send", response=QuotationDetailOut,
             summary="Draft → sent; refused (422) while a discount beyond the owner's role maximum is not approved")
def send(request, quotation_id: PathId, payload: QuotationActionIn):
    return _action(request, quotation_id, payload, services.send_quotation)


@router.post("/{quotation_id}/request-approval", response=QuotationDetailOut,
             summary="Submit a discount beyond the owner's role maximum for approval (kind \"discount\")")
def request_approval(request, quotation_id: PathId, payload: QuotationActionIn):
    quotation = access.get_visible_or_404(Quotation, request.user, pk=quotation_id)
    services.request_discount_approval(quotation, actor=request.user, version=payload.version)
    return Quotation.objects.get(pk=quotation.pk)


@router.post("/{quotation_id}/accept", response=QuotationDetailOut, summary="Sent → accepted (one per opportunity)")
def accept(request, quotation_id: PathId, payload: QuotationActionIn):
    return _action(request, quotation_id, payload, services.accept_quotation)


@router.post("/{quotation_id}/reject", response=QuotationDetailOut, summary="Sent → rejected")
def reject(request, quotation_id: PathId, payload: QuotationActionIn):
    return _action(request, quotation_id, payload, services.reject_quotation)

