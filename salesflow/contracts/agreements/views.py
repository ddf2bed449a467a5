"""Pages of contracts and orders: list (filters, export), detail, create/edit with lines, status, attachments,
deliveries, milestones. Thin: parse, authorise, call the service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.contracts.models import Agreement, Attachment, Milestone
from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.paging import page_of
from salesflow.core.registry import agreement_sections
from salesflow.customers.models import Customer
from salesflow.customers.picking import render_customer_pick
from salesflow.org import access

from . import attachments, services
from .forms import AgreementFilterForm, AgreementForm, AttachmentForm, LineFormSet, MilestoneForm, formset_lines
from .pdf import agreement_pdf

EXPORT_COLUMNS = [
    ("number", _("Number")), ("kind", _("Kind")), ("title", _("Title")), ("customer__name", _("Customer")),
    ("owner__username", _("Owner")), ("signed_on", _("Signed on")), ("start_on", _("Starts on")),
    ("end_on", _("Ends on")), ("amount", _("Amount")), ("currency", _("Currency")), ("status", _("Status")),
    ("collected_amount", _("Collected")), ("invoiced_amount", _("Invoiced")), ("payment_terms_days",
                                                                                _("Payment due (days)")),
]


def _visible(request):
    return Agreement.objects.visible_to(request.user)


def _get(request, pk) -> Agreement:
    return access.get_visible_or_404(Agreement, request.user, pk=pk)


@login_required
def agreement_list(request):
    form = AgreementFilterForm(request.GET or None, user=request.user)
    agreements = form.apply(_visible(request)) if request.GET else _visible(request)
    agreements = agreements.order_by("-signed_on", "-id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        rows = agreements.values_list(*[f for f, _label in EXPORT_COLUMNS]).iterator(chunk_size=2000)
        return export_response(fmt=request.GET["export"], filename="agreements", rows=rows,
                               headers=[str(h) for _f, h in EXPORT_COLUMNS], audit_target=request.user,
                               note=f"agreements {request.GET.urlencode()}")
    page, query_string = page_of(request, agreements.select_related("customer").prefetch_related("owner"))
    return render(request, "contracts/agreement_list.html", {
        "page": page, "form": form, "query_string": query_string,
        "can_create": services.may_create(request.user)})


@login_required
def agreement_pdf_download(request, pk):
    agreement = access.get_visible_or_404(Agreement.objects.select_related("customer", "owner"), request.user, pk=pk)
    language = request.GET.get("lang", "zh-hans")
    content = agreement_pdf(agreement, language)
    audit.record(agreement, "export", changes={"format": "pdf", "language": language}, actor=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement.number}.pdf"'
    return response


@login_required
def agreement_detail(request, pk):
    agreement = access.get_visible_or_404(
        Agreement.objects.select_related("customer", "owner", "team", "opportunity", "quotation"), request.user, pk=pk)
    lines = list(agreement.lines.select_related("product"))
    delivered = services.delivered_per_line(agreement) if agreement.kind == Agreement.Kind.ORDER else {}
    for line in lines:
        line.delivered = delivered.get(line.pk, 0)
        line.remaining = line.quantity - line.delivered
    can_change = access.can_change(request.user, agreement)
    return render(request, "contracts/agreement_detail.html", {
        "a": agreement, "lines": lines, "can_change": can_change,
        "attachments": agreement.attachments.all(),
        "status_changes": agreement.status_changes.select_related("by"),
        "milestones": agreement.milestones.all(),
        "deliveries": agreement.deliveries.prefetch_related("lines__agreement_line"),
        "history": AuditEntry.for_object(agreement)[:30],
        "sections": [{"name": e.name, "html": e.func(request, agreement)} for e in agreement_sections.all()],
        "manual_statuses": sorted(services.MANUAL_TRANSITIONS[Agreement.Status(agreement.status)]),
        "attachment_form": AttachmentForm(), "milestone_form": MilestoneForm(),
        "max_mb": attachments.settings.AGREEMENT_ATTACHMENT_MAX_BYTES // 1048576,
    })


def _initial(request):
    """What a new agreement starts from: ?opportunity= (its customer, owner, amount, lines, accepted quotation)
    or ?customer=, and ?kind=."""
    from salesflow.pipeline.models import Opportunity

    kind = request.GET.get("kind") if request.GET.get("kind") in Agreement.Kind.values else Agreement.Kind.CONTRACT
    opp_id = request.GET.get("opportunity") or request.POST.get("opportunity") or ""
    if opp_id.isdigit():
        opportunity = access.get_visible_or_404(Opportunity, request.user, pk=int(opp_id))
        if opportunity.customer_id is None:
            raise Http404
        data, lines = services.initial_from_opportunity(opportunity, kind)
        return opportunity.customer, data, lines
    customer_id = request.GET.get("customer") or request.POST.get("customer") or ""
    customer = access.get_visible_or_404(Customer, request.user, pk=int(customer_id) if customer_id.isdigit() else 0)
    return customer, {"kind": kind, "customer": customer}, []


@login_required
def agreement_new(request):
    if not (request.GET.get("customer") or request.GET.get("opportunity") or request.POST):
        return _pick_customer(request)
    customer, initial, initial_lines = _initial(request)
    services.check_can_create(request.user, customer)  # decided before anything is read or written
    form = AgreementForm(request.POST or None, user=request.user, initial={
        **{k: getattr(v, "pk", v) for k, v in initial.items()}, "customer": customer.pk})
    formset = LineFormSet(request.POST or None, prefix="lines", initial=[
        {k: getattr(v, "pk", v) for k, v in line.items()} for line in initial_lines])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.agreement_data()
        data.update({k: initial[k] for k in ("opportunity", "quotation") if initial.get(k)})
        data["customer"] = customer
        try:
            agreement = services.create_agreement(actor=request.user, data=data, lines=formset_lines(formset))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Agreement %(number)s created.") % {"number": agreement.number})
            _credit_warning(request, agreement)
            return redirect(agreement)
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/agreement_form.html", {
        "form": form, "formset": formset, "customer": customer, "opportunity": initial.get("opportunity"),
        "quotation": initial.get("quotation")}, status=status)


def _pick_customer(request):
    services.check_can_create(request.user)
    return render_customer_pick(request, "contracts/agreement_pick_customer.html")


@login_required
def agreement_edit(request, pk):
    agreement = _get(request, pk)
    access.require_change(request.user, agreement)
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)
    formset = LineFormSet(request.POST or None, prefix="lines", initial=[
        {"product": line.product_id, "description": line.description, "quantity": line.quantity, "unit": line.unit,
         "unit_price": line.unit_price, "discount_rate": line.discount_rate, "tax_rate": line.tax_rate}
        for line in agreement.lines.all()])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            agreement = services.update_agreement(
                agreement, actor=request.user, data=form.agreement_data(), version=form.cleaned_data["version"],
                lines=formset_lines(formset), revise=form.cleaned_data.get("revise", False))
        except StaleEditError:
            form.add_error(None, StaleEditError.message)
            return render(request, "contracts/agreement_form.html", {"form": form, "formset": formset,
                                                                     "object": agreement}, status=409)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            _credit_warning(request, agreement)
            return redirect(agreement)
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/agreement_form.html", {"form": form, "formset": formset, "object": agreement},
                  status=status)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _credit_warning(request, agreement) -> None:
    if agreement.credit_flagged:
        messages.warning(request, _("Over the customer's credit limit (%(limit)s): this agreement needs approval.")
                         % {"limit": agreement.customer.credit_limit})


def _run(request, agreement, action, success):
    try:
        changed = action()
        messages.success(request, success)
        if isinstance(changed, Agreement):
            _credit_warning(request, changed)
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not change this record."))
    return redirect(agreement)


@login_required
@require_POST
def agreement_submit(request, pk):
    agreement = _get(request, pk)
    return _run(request, agreement, lambda: services.submit_for_approval(agreement, actor=request.user),
                _("Submitted."))


@login_required
@require_POST
def agreement_status(request, pk):
    agreement = _get(request, pk)
    to = request.POST.get("to", "")
    if to not in Agreement.Status.values:
        raise Http404
    return _run(request, agreement, lambda: services.change_status(
        agreement, to, actor=request.user, note=request.POST.get("note", "")),
        _("Status set to %(status)s.") % {"status": Agreement.Status(to).label})


@login_required
@require_POST
def attachment_upload(request, pk):
    agreement = _get(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(agreement)
    return _run(request, agreement, lambda: attachments.add_attachment(agreement, actor=request.user,
                                                                       upload=form.cleaned_data["file"]),
                _("File uploaded."))


@login_required
def attachment_download(request, pk, attachment_id):
    agreement = _get(request, pk)  # the reader must see the agreement; the file is never under a public URL
    attachment = agreement.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request, pk, attachment_id):
    agreement = _get(request, pk)
    attachment = Attachment.objects.filter(agreement=agreement, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return _run(request, agreement, lambda: attachments.remove_attachment(attachment, actor=request.user),
                _("File removed."))


@login_required
@require_POST
def delivery_new(request, pk):
    agreement = _get(request, pk)
    quantities = {key.removeprefix("line_"): value for key, value in request.POST.items()
                  if key.startswith("line_") and key[5:].isdigit() and value.strip()}

    def record():
        try:
            delivered_on = MilestoneForm.base_fields["due_on"].clean(request.POST.get("delivered_on", ""))
        except ValidationError:
            raise ValidationError({"delivered_on": _("Enter the delivery date.")}) from None
        try:
            return services.record_delivery(agreement, actor=request.user, delivered_on=delivered_on,
                                            quantities=quantities, note=request.POST.get("note", "")[:300])
        except ArithmeticError:
            raise ValidationError({"lines": _("Enter quantities as numbers.")}) from None

    return _run(request, agreement, record, _("Delivery recorded."))


@login_required
@require_POST
def milestone_add(request, pk):
    agreement = _get(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the milestone's name and due date."))
        return redirect(agreement)
    return _run(request, agreement, lambda: services.add_milestone(agreement, actor=request.user,
                                                                   **form.cleaned_data), _("Milestone added."))


@login_required
@require_POST
def milestone_mark(request, pk, milestone_id, step):
    agreement = _get(request, pk)
    milestone = Milestone.objects.filter(agreement=agreement, pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return _run(request, agreement, lambda: services.mark_milestone(milestone, actor=request.user, step=step),
                _("Milestone updated."))
