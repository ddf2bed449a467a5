"""Money pages: payments (回款), invoices (开票), receivables (应收), collection statistics (回款统计) and the money
panel of an agreement (plan, payments, invoices). Thin: parse, authorise, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from salesflow.contracts.models import Agreement, Invoice, Payment
from salesflow.core.exports import export_response
from salesflow.core.paging import page_of
from salesflow.core.replica import heavy_reads
from salesflow.org import access

from . import selectors, services
from .forms import (
    AgeingFilterForm,
    InvoiceRequestForm,
    IssueForm,
    ListFilterForm,
    PaymentForm,
    PlanFormSet,
    ReverseForm,
    StatsFilterForm,
    VoidForm,
    plan_from_formset,
)


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def agreement_url(agreement) -> str:
    try:
        return agreement.get_absolute_url()
    except NoReverseMatch:  # the agreement page belongs to the agreements app
        return reverse("contracts:agreement-money", args=[agreement.pk])


def _agreement(request, pk) -> Agreement:
    return access.get_visible_or_404(Agreement.objects.select_related("customer", "owner"), request.user, pk=pk)


# ---------------------------------------------------------------------------------------------------------------
# The agreement's money panel (registered into the agreement page; also a page of its own)

def money_panel(request, agreement) -> str:
    user, today = request.user, timezone.localdate()
    instalments = list(agreement.instalments.all())
    payments = list(agreement.payments.select_related("recorded_by").order_by("-received_on", "-id"))
    reversed_ids = {p.reversal_of_id for p in payments if p.reversal_of_id}
    invoices = list(agreement.invoices.order_by("-requested_at", "-id"))
    can_pay = services.can_record_payment(user, agreement)
    can_issue = services.can_issue_invoice(user, agreement)
    return render_to_string("contracts/receivable_panel.html", {
        "agreement": agreement, "today": today,
        "instalments": [(i, i.due_on < today and i.collected_amount < i.amount) for i in instalments],
        "payments": [(p, can_pay and not p.is_reversal and p.pk not in reversed_ids) for p in payments],
        "invoices": invoices, "can_pay": can_pay and agreement.status in services.PAYABLE,
        "can_request": services.can_request_invoice(user, agreement) and agreement.status in services.INVOICEABLE,
        "can_issue": can_issue, "can_plan": services.can_edit_plan(user, agreement),
        "reverse_form": ReverseForm(), "issue_form": IssueForm(), "void_form": VoidForm(),
    }, request=request)


@login_required
def agreement_money(request, pk):
    agreement = _agreement(request, pk)
    return render(request, "contracts/receivable_agreement.html", {
        "agreement": agreement, "panel": money_panel(request, agreement), "back": agreement_url(agreement)})


@login_required
def plan_edit(request, pk):
    agreement = _agreement(request, pk)
    access.require_change(request.user, agreement)
    initial = [{"id": i.pk, "due_on": i.due_on, "amount": i.amount, "note": i.note}
               for i in agreement.instalments.all()] or services.default_plan(agreement)
    formset = PlanFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        try:
            services.replace_plan(agreement, plan_from_formset(formset), actor=request.user)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Payment plan saved."))
            return redirect(agreement_url(agreement))
    collected = {i.pk: i.collected_amount for i in agreement.instalments.all()}
    return render(request, "contracts/receivable_plan.html", {
        "agreement": agreement, "formset": formset, "collected": collected, "back": agreement_url(agreement)})


# ---------------------------------------------------------------------------------------------------------------
# Payments (回款)

PAYMENT_COLUMNS = [("agreement__number", _lazy("Agreement")), ("agreement__customer__name", _lazy("Customer")),
                   ("agreement__owner__username", _lazy("Owner")), ("received_on", _lazy("Received on")),
                   ("amount", _lazy("Amount")), ("method", _lazy("Method")), ("reference", _lazy("Bank reference")),
                   ("payer", _lazy("Payer")), ("reason", _lazy("Reason for the reversal"))]


@login_required
def payment_list(request):
    form = ListFilterForm(request.GET or None)
    payments = form.apply(Payment.objects.visible_to(request.user), "received_on").order_by("-received_on", "-id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        rows = payments.values_list(*[f for f, _h in PAYMENT_COLUMNS]).iterator(chunk_size=2000)
        return export_response(fmt=request.GET["export"], filename="payments", rows=rows,
                               headers=[str(h) for _f, h in PAYMENT_COLUMNS], audit_target=request.user,
                               note=f"payments {request.GET.urlencode()}")
    page, query_string = page_of(request, payments.select_related("agreement__customer", "agreement__owner"))
    return render(request, "contracts/payment_list.html", {"page": page, "form": form,
                                                            "query_string": query_string})


@login_required
def payment_create(request, pk):
    agreement = _agreement(request, pk)
    access.require_change_with(services.can_record_payment(request.user, agreement))
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_payment(agreement, amount=data["amount"], received_on=data["received_on"],
                                    method=data["method"], reference=data["reference"], payer=data["payer"],
                                    note=data["note"], actor=request.user, idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect(agreement_url(agreement))
    return render(request, "contracts/payment_form.html", {
        "agreement": agreement, "form": form, "back": agreement_url(agreement)})


@login_required
@require_POST
def payment_reverse(request, pk):
    payment = access.get_visible_or_404(Payment.objects.select_related("agreement"), request.user, pk=pk)
    access.require_change_with(services.can_record_payment(request.user, payment.agreement))
    form = ReverseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": _("Give the reason for the reversal.")})
        services.reverse_payment(payment, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Payment reversed."))
    return redirect(agreement_url(payment.agreement))


# ---------------------------------------------------------------------------------------------------------------
# Invoices (开票)

INVOICE_COLUMNS = [("agreement__number", _lazy("Agreement")), ("agreement__customer__name", _lazy("Customer")),
                   ("agreement__owner__username", _lazy("Owner")), ("number", _lazy("Invoice number")),
                   ("type", _lazy("Invoice type")), ("amount", _lazy("Amount incl. tax")),
                   ("tax_rate", _lazy("Tax rate %")), ("tax", _lazy("Tax")), ("status", _lazy("Status")),
                   ("issued_on", _lazy("Issued on")), ("void_reason", _lazy("Reason for voiding"))]


@login_required
def invoice_list(request):
    form = ListFilterForm(request.GET or None)
    invoices = form.apply(Invoice.objects.visible_to(request.user), "requested_at__date")
    status = request.GET.get("status")
    if status in Invoice.Status.values:
        invoices = invoices.filter(status=status)
    invoices = invoices.order_by("-requested_at", "-id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        rows = invoices.values_list(*[f for f, _h in INVOICE_COLUMNS]).iterator(chunk_size=2000)
        return export_response(fmt=request.GET["export"], filename="invoices", rows=rows,
                               headers=[str(h) for _f, h in INVOICE_COLUMNS], audit_target=request.user,
                               note=f"invoices {request.GET.urlencode()}")
    page, query_string = page_of(request, invoices.select_related("agreement__customer", "agreement__owner"))
    return render(request, "contracts/invoice_list.html", {
        "page": page, "form": form, "query_string": query_string, "statuses": Invoice.Status.choices,
        "status": status, "can_issue": access.is_finance_or_admin(request.user),
        "issue_form": IssueForm(), "void_form": VoidForm()})


@login_required
def invoice_request(request, pk):
    agreement = _agreement(request, pk)
    access.require_change_with(services.can_request_invoice(request.user, agreement))
    form = InvoiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_invoice(agreement, amount=data["amount"], type=data["type"], tax_rate=data["tax_rate"],
                                     actor=request.user, idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Invoice requested."))
            return redirect(agreement_url(agreement))
    return render(request, "contracts/invoice_form.html", {
        "agreement": agreement, "form": form, "back": agreement_url(agreement)})


def _invoice_action(request, pk, form_class, action, done):
    invoice = access.get_visible_or_404(Invoice.objects.select_related("agreement"), request.user, pk=pk)
    access.require_change_with(services.can_issue_invoice(request.user, invoice.agreement))
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        action(invoice, **form.cleaned_data, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/")
                    else agreement_url(invoice.agreement))


@login_required
@require_POST
def invoice_issue(request, pk):
    return _invoice_action(request, pk, IssueForm, services.issue_invoice, _("Invoice issued."))


@login_required
@require_POST
def invoice_void(request, pk):
    return _invoice_action(request, pk, VoidForm, services.void_invoice, _("Invoice voided."))


# ---------------------------------------------------------------------------------------------------------------
# Receivables (应收) and collection statistics (回款统计)

AGEING_COLUMNS = [("label", _lazy("Name")), ("not_due", _lazy("Not yet due")), ("d1_30", _lazy("1–30 days")),
                  ("d31_60", _lazy("31–60 days")), ("d61_90", _lazy("61–90 days")),
                  ("d90_plus", _lazy("Over 90 days")), ("total", _lazy("Outstanding"))]
AGEING_ROWS = 200


@login_required
@heavy_reads
def receivables(request):
    form = AgeingFilterForm(request.GET or None)
    as_of, group_by = form.values()
    if request.GET.get("export") in {"csv", "xlsx"}:
        result = selectors.ageing(request.user, as_of, group_by)
        rows = ([r[f] for f, _h in AGEING_COLUMNS] for r in result["rows"])
        return export_response(fmt=request.GET["export"], filename=f"ageing-{as_of}", rows=rows,
                               headers=[str(h) for _f, h in AGEING_COLUMNS], audit_target=request.user,
                               note=f"ageing {request.GET.urlencode()}")
    result = selectors.ageing(request.user, as_of, group_by, limit=AGEING_ROWS)
    overdue = (selectors.overdue_instalments(request.user, as_of)
               .select_related("agreement__customer", "agreement__owner").order_by("due_on", "id")[:50])
    return render(request, "contracts/receivable_list.html", {
        "form": form, "as_of": as_of, "group_by": group_by, "result": result, "overdue": overdue,
        "columns": AGEING_COLUMNS[1:], "limit": AGEING_ROWS,
        "dso": selectors.dso(request.user, as_of, by="team")})


@login_required
@heavy_reads
def collections(request):
    form = StatsFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "month"
    stats = selectors.collection_stats(request.user, data.get("period"), by=by)
    peak = max([max(r["signed"], r["collected"], r["invoiced"]) for r in stats["rows"]] or [0]) or 1
    for row in stats["rows"]:
        row["bars"] = {m: int(row[m] * 100 / peak) if row[m] > 0 else 0 for m in ("signed", "collected", "invoiced")}
    forecast = selectors.collection_forecast(request.user)
    top = max([r["planned"] for r in forecast["rows"]] or [0]) or 1
    for row in forecast["rows"]:
        row["planned_pct"] = int(row["planned"] * 100 / top)
        row["collected_pct"] = int(row["collected"] * 100 / top)
    return render(request, "contracts/receivable_stats.html", {
        "form": form, "stats": stats, "by": by, "forecast": forecast})

