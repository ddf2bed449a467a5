"""/api/v1/contracts/agreements/: list, detail, create, update (version → 409), submit, status, deliveries,
milestones. Every call goes through the same services as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.contracts.models import Agreement, Milestone
from salesflow.core.api_schemas import (
    NO_NUL,
    BusinessDate,
    Id,
    InputSchema,
    Money,
    Page,
    PathId,
    Quantity,
    QueryDate,
    QueryId,
    QueryText,
    Rate,
    Version,
    choice,
    text,
)
from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import User

from . import services
from .forms import AgreementFilterForm

router = Router(tags=["agreements"])

Note = Annotated[str, Field(max_length=300, pattern=NO_NUL)]


class LineOut(Schema):
    id: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_rate: Decimal
    tax_rate: Decimal
    amount: Decimal


class AgreementOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    customer_id: int
    opportunity_id: int | None
    quotation_id: int | None
    owner_id: int
    team_id: int | None
    signed_on: date
    start_on: date | None
    end_on: date | None
    amount: Decimal
    currency: str
    status: str
    payment_terms_days: int
    payment_terms: str
    credit_flagged: bool
    planned_amount: Decimal
    collected_amount: Decimal
    invoiced_amount: Decimal
    created_at: datetime
    version: int


class AgreementDetailOut(AgreementOut):
    delivery_place: str
    delivery_method: str
    breach_liability: str
    notes: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class LineIn(InputSchema):
    product_id: Id | None = None
    description: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""
    quantity: Quantity
    unit: Annotated[str, Field(max_length=20, pattern=NO_NUL)] = ""
    unit_price: Money
    discount_rate: Rate = Decimal(0)
    tax_rate: Rate = Decimal(0)


class _Fields(InputSchema):
    title: text(Agreement, "title") = None
    owner_id: Id | None = None
    signed_on: BusinessDate = None
    start_on: BusinessDate | None = None
    end_on: BusinessDate | None = None
    amount: Money = None
    currency: Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")] = None
    payment_terms_days: Annotated[int, Field(ge=0, le=3650)] = None
    payment_terms: text(Agreement, "payment_terms") = None
    delivery_place: text(Agreement, "delivery_place") = None
    delivery_method: text(Agreement, "delivery_method") = None
    breach_liability: Annotated[str, Field(max_length=5000, pattern=NO_NUL)] = None
    notes: Annotated[str, Field(max_length=5000, pattern=NO_NUL)] = None
    lines: list[LineIn] = Field(None, max_length=200)


class AgreementIn(_Fields):
    customer_id: Id
    kind: choice(Agreement, "kind") = Agreement.Kind.CONTRACT
    opportunity_id: Id | None = None
    quotation_id: Id | None = None
    submit: bool = False  # submit for approval at once


class AgreementPatch(_Fields):
    """Send only the fields to change with the version you read. Changing amount, lines or terms of an approved
    or pending agreement needs ``revise: true`` (it goes back through approval)."""

    version: Version
    revise: bool = False


class AgreementStatusIn(InputSchema):
    to: Annotated[str, Field(pattern="^(completed|terminated)$")]
    note: Note = ""


class DeliveryLineIn(InputSchema):
    line_id: Id
    quantity: Quantity


class DeliveryIn(InputSchema):
    delivered_on: BusinessDate
    note: Note = ""
    lines: list[DeliveryLineIn] = Field(..., min_length=1, max_length=200)


class DeliveryOut(Schema):
    id: int
    delivered_on: date
    note: str
    lines: dict[int, Decimal]

    @staticmethod
    def resolve_lines(obj):
        return {line.agreement_line_id: line.quantity for line in obj.lines.all()}


class MilestoneIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
    due_on: BusinessDate


class MilestoneOut(Schema):
    id: int
    name: str
    due_on: date
    done_on: date | None
    accepted_on: date | None


class MilestoneStepIn(InputSchema):
    step: Annotated[str, Field(pattern="^(done|accepted)$")]
    on: BusinessDate | None = None


def _data(payload, *, user) -> tuple[dict, list | None]:
    changes = payload.dict(exclude_unset=True)
    lines = changes.pop("lines", None)
    for key in ("version", "revise", "submit"):
        changes.pop(key, None)
    if "owner_id" in changes:
        owner_id = changes.pop("owner_id")
        if owner_id is not None:
            changes["owner"] = get_object_or_404(User, pk=owner_id, is_active=True)
    for name, model in (("customer", Customer), ("opportunity", None), ("quotation", None)):
        key = f"{name}_id"
        if key in changes:
            value = changes.pop(key)
            if value is not None:
                if model is None:
                    model = Agreement._meta.get_field(name).related_model
                changes[name] = access.get_visible_or_404(model, user, pk=value)
    if lines is not None:
        from salesflow.catalog.models import Product

        products = {p.pk: p for p in Product.objects.filter(pk__in=[ln["product_id"] for ln in lines
                                                                     if ln.get("product_id")])}
        for index, line in enumerate(lines):
            product_id = line.pop("product_id", None)
            if product_id and product_id not in products:
                raise ValidationError({"lines": f"{index + 1}: product {product_id} does not exist"})
            line["product"] = products.get(product_id)
    return changes, lines


def _get(request, agreement_id) -> Agreement:
    return access.get_visible_or_404(Agreement, request.user, pk=agreement_id)


@router.get("/", response=list[AgreementOut], summary="Agreements the caller may see (list page filters)")
@paginate(Page)
def list_agreements(request, q: QueryText = "", kind: QueryText = "", status: QueryText = "", owner: QueryId = None,
                    customer: QueryId = None, period: QueryText = "", signed_from: QueryDate = None,
                    signed_to: QueryDate = None):
    filters = {k: str(v) for k, v in locals().items() if k != "request" and v not in (None, "")}
    form = AgreementFilterForm(filters, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.apply(Agreement.objects.visible_to(request.user)).order_by("-signed_on", "-id")


@router.get("/{agreement_id}", response=AgreementDetailOut)
def get_agreement(request, agreement_id: PathId):
    return access.get_visible_or_404(Agreement.objects.prefetch_related("lines"), request.user, pk=agreement_id)


@router.post("/", response={201: AgreementDetailOut})
def create_agreement(request, payload: AgreementIn):
    data, lines = _data(payload, user=request.user)
    if payload.submit:
        data["status"] = Agreement.Status.PENDING
    agreement = services.create_agreement(actor=request.user, data=data, lines=lines or ())
    return Status(201, agreement)


@router.patch("/{agreement_id}", response=AgreementDetailOut, summary="Update; send the version you read")
def update_agreement(request, agreement_id: PathId, payload: AgreementPatch):
    agreement = _get(request, agreement_id)
    data, lines = _data(payload, user=request.user)
    return services.update_agreement(agreement, actor=request.user, data=data, version=payload.version, lines=lines,
                                     revise=payload.revise)


@router.post("/{agreement_id}/submit", response=AgreementOut, summary="Submit a draft for approval")
def submit(request, agreement_id: PathId):
    return services.submit_for_approval(_get(request, agreement_id), actor=request.user)


@router.post("/{agreement_id}/status", response=AgreementOut, summary="Complete or terminate (with a note)")
def change_status(request, agreement_id: PathId, payload: AgreementStatusIn):
    return services.change_status(_get(request, agreement_id), payload.to, actor=request.user, note=payload.note)


@router.get("/{agreement_id}/deliveries", response=list[DeliveryOut])
def deliveries(request, agreement_id: PathId):
    return list(_get(request, agreement_id).deliveries.prefetch_related("lines"))


@router.post("/{agreement_id}/deliveries", response={201: DeliveryOut}, summary="Record a (partial) delivery")
def record_delivery(request, agreement_id: PathId, payload: DeliveryIn):
    agreement = _get(request, agreement_id)
    quantities: dict[int, Decimal] = {}
    for line in payload.lines:
        quantities[line.line_id] = quantities.get(line.line_id, Decimal(0)) + line.quantity
    delivery = services.record_delivery(agreement, actor=request.user, delivered_on=payload.delivered_on,
                                        quantities=quantities, note=payload.note)
    return Status(201, delivery)


@router.get("/{agreement_id}/milestones", response=list[MilestoneOut])
def milestones(request, agreement_id: PathId):
    return list(_get(request, agreement_id).milestones.all())


@router.post("/{agreement_id}/milestones", response={201: MilestoneOut})
def add_milestone(request, agreement_id: PathId, payload: MilestoneIn):
    milestone = services.add_milestone(_get(request, agreement_id), actor=request.user, name=payload.name,
                                       due_on=payload.due_on)
    return Status(201, milestone)


@router.post("/{agreement_id}/milestones/{milestone_id}", response=MilestoneOut, summary="Mark done or accepted")
def mark_milestone(request, agreement_id: PathId, milestone_id: PathId, payload: MilestoneStepIn):
    milestone = get_object_or_404(Milestone, agreement=_get(request, agreement_id), pk=milestone_id)
    return services.mark_milestone(milestone, actor=request.user, step=payload.step, on=payload.on)
