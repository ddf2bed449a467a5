"""Quotation pages: list (filters, export), new from an opportunity, detail, edit a draft, actions, PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesflow.approvals import services as approvals
from salesflow.contracts.models import Quotation
from salesflow.core.audit import record
from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.paging import page_of
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

from . import services
from .forms import LineFormSet, QuotationFilterForm, QuotationForm, initial_lines
from .pdf import quotation_pdf

EXPORT_COLUMNS = [("number", gettext_lazy("Number")), ("revision", gettext_lazy("Revision")),
                  ("customer__name", gettext_lazy("Customer")), ("opportunity__subject", gettext_lazy("Opportunity")),
                  ("owner__username", gettext_lazy("Owner")), ("status", gettext_lazy("Status")),
                  ("valid_until", gettext_lazy("Valid until")), ("subtotal", gettext_lazy("Amount before discount")),
                  ("discount_total", gettext_lazy("Discount")), ("tax_total", gettext_lazy("Tax")),
                  ("total", gettext_lazy("Total")), ("currency", gettext_lazy("Currency"))]


def _detail_queryset():
    return Quotation.objects.select_related("customer", "owner", "opportunity", "previous", "price_list")


@login_required
def quotation_list(request):
    form = QuotationFilterForm(request.GET or None, user=request.user)
    quotations = Quotation.objects.visible_to(request.user)
    quotations = form.apply(quotations) if request.GET else quotations
    quotations = quotations.order_by("-created_at", "-id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        rows = quotations.values_list(*[f for f, _label in EXPORT_COLUMNS]).iterator(chunk_size=2000)
        labels = dict(Quotation.Status.choices)
        rows = ([*row[:5], str(labels.get(row[5], row[5])), *row[6:]] for row in rows)
        return export_response(fmt=request.GET["export"], filename="quotations", rows=rows,
                               headers=[str(h) for _f, h in EXPORT_COLUMNS], audit_target=request.user,
                               note=f"quotations {request.GET.urlencode()}")
    page, query_string = page_of(request, quotations.select_related("customer", "owner"))
    return render(request, "contracts/quotation_list.html",
                  {"page": page, "form": form, "query_string": query_string})


def _show_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else above the form (lines, status...)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _lines_or_error(formset):
    if not formset.is_valid():
        raise ValidationError({"lines": _("Check the lines: each needs a product or a description, and a "
                                          "quantity above 0.")})
    return formset.lines()


@login_required
def quotation_new(request, opportunity_pk):
    opportunity = access.get_visible_or_404(Opportunity.objects.select_related("customer", "owner"), request.user,
                                            pk=opportunity_pk)
    try:
        services.check_can_quote(request.user, opportunity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(opportunity)
    form = QuotationForm(request.POST or None, initial={"valid_until": services.default_valid_until()})
    formset = LineFormSet(request.POST or None, prefix="lines", initial=None if request.POST else
                          initial_lines(opportunity=opportunity))
    if request.method == "POST" and form.is_valid():
        try:
            quotation = services.create_quotation(
                actor=request.user, opportunity=opportunity, lines=_lines_or_error(formset),
                valid_until=form.cleaned_data["valid_until"], terms=form.cleaned_data["terms"],
                price_list=form.cleaned_data["price_list"])
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Quotation %(number)s created.") % {"number": quotation.number})
            return redirect(quotation)
    return render(request, "contracts/quotation_form.html",
                  {"form": form, "formset": formset, "opportunity": opportunity},
                  status=400 if request.method == "POST" else 200)


@login_required
def quotation_edit(request, pk):
    quotation = access.get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    access.require_change(request.user, quotation)
    if not quotation.is_editable:
        messages.error(request, _("Only a draft quotation can be edited; revise it instead."))
        return redirect(quotation)
    form = QuotationForm(request.POST or None, initial={
        "valid_until": quotation.valid_until, "terms": quotation.terms, "price_list": quotation.price_list_id,
        "version": quotation.version})
    formset = LineFormSet(request.POST or None, prefix="lines",
                          initial=None if request.POST else initial_lines(quotation=quotation))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_quotation(
                quotation, actor=request.user, version=form.cleaned_data["version"], lines=_lines_or_error(formset),
                valid_until=form.cleaned_data["valid_until"], terms=form.cleaned_data["terms"],
                price_list=form.cleaned_data["price_list"])
        except StaleEditError:
            form.add_error(None, StaleEditError.message)
            status = 409
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Quotation saved."))
            return redirect(quotation)
    if request.method == "POST" and status == 200:
        status = 400
    return render(request, "contracts/quotation_form.html",
                  {"form": form, "formset": formset, "opportunity": quotation.opportunity, "object": quotation},
                  status=status)


@login_required
def quotation_detail(request, pk):
    quotation = access.get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    revisions = (Quotation.objects.visible_to(request.user).filter(number=quotation.number)
                 .only("pk", "number", "revision", "status", "total").order_by("revision"))
    revisions = list(revisions)
    superseded = any(r.revision > quotation.revision for r in revisions)
    can_change = access.can_change(request.user, quotation)
    return render(request, "contracts/quotation_detail.html", {
        "q": quotation, "lines": quotation.lines.select_related("product"), "revisions": revisions,
        "superseded": superseded, "can_change": can_change and not superseded,
        "needs_approval": quotation.status == Quotation.Status.DRAFT and services.needs_discount_approval(quotation),
        "approvals": approvals.history(quotation),
        "max_discount": services.max_discount_for(quotation.owner),
        "history": AuditEntry.for_object(quotation)[:20],
    })


ACTIONS = {
    "send": (services.send_quotation, gettext_lazy("Quotation sent.")),
    "accept": (services.accept_quotation, gettext_lazy("Quotation accepted.")),
    "reject": (services.reject_quotation, gettext_lazy("Quotation rejected.")),
    "revise": (services.revise_quotation, gettext_lazy("Revision created: edit it and send it again.")),
    "request-approval": (services.request_discount_approval,
                         gettext_lazy("Discount submitted for approval: the quotation can be sent once approved.")),
}


@login_required
@require_POST
def quotation_action(request, pk, action):
    quotation = access.get_visible_or_404(Quotation, request.user, pk=pk)
    run, done = ACTIONS[action]
    version = request.POST.get("version", "")
    try:
        changed = run(quotation, actor=request.user, version=int(version) if version.isdigit() else None)
        changed = changed if isinstance(changed, Quotation) else quotation
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(done))
        return redirect(changed)
    return redirect(quotation)


@login_required
def quotation_download(request, pk):
    quotation = access.get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    language = request.GET.get("lang", "zh-hans")
    content = quotation_pdf(quotation, language)
    record(quotation, "export", changes={"format": "pdf", "language": language}, actor=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quotation.number}-v{quotation.revision}.pdf"'
    return response
