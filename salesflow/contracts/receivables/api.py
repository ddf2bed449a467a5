"""Money API under /api/v1/contracts/: /payments/, /invoices/, /receivables/ — the same services and selectors as
the pages. Recording a payment (or requesting an invoice) with the same ``Idempotency-Key`` header twice returns
the first row and records nothing more."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.contracts.models import Agreement, Instalment, Invoice, Payment
from salesflow.core.api_schemas import (
    NO_NUL,
    BusinessDate,
    Id,
    InputSchema,
    Page,
    PathId,
    PositiveMoney,
    QueryDate,
    QueryText,
    Rate,
)
from salesflow.org import access

from . import selectors, services

router = Router(tags=["money"])

Reason = Annotated[str, Field(min_length=1, max_length=300, pattern=NO_NUL)]


class PaymentOut(Schema):
    id: int
    agreement_id: int
    agreement_number: str = Field(..., alias="agreement.number")
    received_on: date
    amount: Decimal
    method: str
    reference: str
    payer: str
    note: str
    reversal_of_id: int | None
    reason: str
    recorded_at: datetime


class AllocationIn(InputSchema):
    instalment_id: Id
    amount: PositiveMoney


class PaymentIn(InputSchema):
    agreement_id: Id
    amount: PositiveMoney
    received_on: BusinessDate
    method: Annotated[str, Field(max_length=20, pattern=NO_NUL)] = Payment.Method.BANK_TRANSFER
    reference: Annotated[str, Field(max_length=80, pattern=NO_NUL)] = ""
    payer: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""
    note: Annotated[str, Field(max_length=300, pattern=NO_NUL)] = ""
    allocations: list[AllocationIn] | None = Field(None, max_length=60)


class CancelReasonIn(InputSchema):
    reason: Reason


class InvoiceOut(Schema):
    id: int
    agreement_id: int
    agreement_number: str = Field(..., alias="agreement.number")
    number: str | None
    type: str
    amount: Decimal
    tax_rate: Decimal
    tax: Decimal
    status: str
    issued_on: date | None
    requested_at: datetime
    void_reason: str


class InvoiceIn(InputSchema):
    agreement_id: Id
    amount: PositiveMoney
    type: Annotated[str, Field(max_length=10, pattern=NO_NUL)] = Invoice.Type.NORMAL
    tax_rate: Rate = Decimal("13")


class IssueIn(InputSchema):
    number: Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
    issued_on: BusinessDate


def _agreement(request, agreement_id) -> Agreement:
    return access.get_visible_or_404(Agreement, request.user, pk=agreement_id)


def _key(request) -> str | None:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > 80:
        raise ValidationError({"Idempotency-Key": "The Idempotency-Key header is longer than 80 characters."})
    return key or None


@router.get("/payments/", response=list[PaymentOut], summary="Payments the caller may see (newest first)")
@paginate(Page)
def list_payments(request, agreement: Annotated[int | None, Query(ge=1)] = None, since: QueryDate = None,
                  until: QueryDate = None):
    payments = Payment.objects.visible_to(request.user).select_related("agreement")
    if agreement:
        payments = payments.filter(agreement_id=agreement)
    if since:
        payments = payments.filter(received_on__gte=since)
    if until:
        payments = payments.filter(received_on__lte=until)
    return payments.order_by("-received_on", "-id")


@router.post("/payments/", response={201: PaymentOut},
             summary="Record a payment (send an Idempotency-Key header: a retry returns the first payment)")
def create_payment(request, payload: PaymentIn):
    agreement = _agreement(request, payload.agreement_id)
    allocate_to = None
    if payload.allocations:
        wanted = [a.instalment_id for a in payload.allocations]
        instalments = {i.pk: i for i in Instalment.objects.filter(agreement=agreement, pk__in=wanted)}
        missing = [a.instalment_id for a in payload.allocations if a.instalment_id not in instalments]
        if missing:
            raise ValidationError({"allocations": f"Instalment {missing[0]} is not part of this agreement."})
        allocate_to = [(instalments[a.instalment_id], a.amount) for a in payload.allocations]
    payment = services.record_payment(
        agreement, amount=payload.amount, received_on=payload.received_on, method=payload.method,
        reference=payload.reference, payer=payload.payer, note=payload.note, actor=request.user,
        idempotency_key=_key(request), allocate_to=allocate_to)
    return Status(201, payment)


@router.get("/payments/{payment_id}", response=PaymentOut)
def get_payment(request, payment_id: PathId):
    return access.get_visible_or_404(Payment.objects.select_related("agreement"), request.user, pk=payment_id)


@router.post("/payments/{payment_id}/reverse", response={201: PaymentOut},
             summary="Reverse a payment (a negative row; once only)")
def reverse_payment(request, payment_id: PathId, payload: CancelReasonIn):
    payment = access.get_visible_or_404(Payment.objects.select_related("agreement"), request.user, pk=payment_id)
    return Status(201, services.reverse_payment(payment, reason=payload.reason, actor=request.user))


@router.get("/invoices/", response=list[InvoiceOut], summary="Invoices the caller may see")
@paginate(Page)
def list_invoices(request, agreement: Annotated[int | None, Query(ge=1)] = None, status: QueryText = ""):
    invoices = Invoice.objects.visible_to(request.user).select_related("agreement")
    if agreement:
        invoices = invoices.filter(agreement_id=agreement)
    if status:
        if status not in Invoice.Status.values:
            raise ValidationError({"status": f"Use one of {', '.join(Invoice.Status.values)}."})
        invoices = invoices.filter(status=status)
    return invoices.order_by("-requested_at", "-id")


@router.post("/invoices/", response={201: InvoiceOut}, summary="Request an invoice (rep or finance)")
def request_invoice(request, payload: InvoiceIn):
    agreement = _agreement(request, payload.agreement_id)
    invoice = services.request_invoice(agreement, amount=payload.amount, type=payload.type,
                                       tax_rate=payload.tax_rate, actor=request.user,
                                       idempotency_key=_key(request))
    return Status(201, invoice)


def _invoice(request, invoice_id) -> Invoice:
    return access.get_visible_or_404(Invoice.objects.select_related("agreement"), request.user, pk=invoice_id)


@router.post("/invoices/{invoice_id}/issue", response=InvoiceOut, summary="Issue a requested invoice (finance)")
def issue_invoice(request, invoice_id: PathId, payload: IssueIn):
    return services.issue_invoice(_invoice(request, invoice_id), number=payload.number, issued_on=payload.issued_on,
                                  actor=request.user)


@router.post("/invoices/{invoice_id}/void", response=InvoiceOut, summary="Void an invoice (finance)")
def void_invoice(request, invoice_id: PathId, payload: CancelReasonIn):
    return services.void_invoice(_invoice(request, invoice_id), reason=payload.reason, actor=request.user)


GROUP_BY = Annotated[str, Query(pattern="^(agreement|customer|rep|team|region)?$")]


@router.get("/receivables/ageing", summary="Outstanding in ageing buckets as of a date, optionally grouped")
def receivables_ageing(request, as_of: QueryDate = None, group_by: GROUP_BY = ""):
    return selectors.ageing(request.user, as_of or timezone.localdate(), group_by or None, limit=1000)


@router.get("/receivables/dso", summary="Days sales outstanding per team, rep or region")
def receivables_dso(request, as_of: QueryDate = None,
                    by: Annotated[str, Query(pattern="^(team|rep|region)$")] = "team"):
    return selectors.dso(request.user, as_of, by=by)


@router.get("/receivables/stats", summary="Signed, collected, invoiced and collection rate in a period")
def receivables_stats(request, period: QueryText = "",
                      by: Annotated[str, Query(pattern="^(month|quarter|year|team|rep|region|customer|product)$")]
                      = "month"):
    try:
        return selectors.collection_stats(request.user, period or None, by=by)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None


@router.get("/receivables/forecast", summary="Planned instalments vs collected for the next months")
def receivables_forecast(request, months: Annotated[int, Query(ge=1, le=12)] = 3):
    return selectors.collection_forecast(request.user, months=months)


