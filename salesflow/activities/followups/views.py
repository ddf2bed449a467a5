"""Follow-up pages: the list (filters, export), recording one (prefilled from the page the rep came from), the
detail with its change history, edit and delete. Thin: parse, authorise, call the service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from salesflow.contracts.models import Agreement
from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.paging import page_of
from salesflow.customers.models import Contact, Customer
from salesflow.customers.picking import render_customer_pick
from salesflow.leads.models import Lead
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

from ..models import Activity
from . import services
from .exports import EXPORT_HEADERS, export_rows
from .forms import ActivityForm, FollowupFilterForm
from .selectors import DISPLAY_RELATED, visible_activities


@login_required
def followup_list(request):
    form = FollowupFilterForm(request.GET or None, user=request.user)
    rows = Activity.objects.visible_to(request.user)
    rows = (form.apply(rows) if request.GET else rows).order_by("-occurred_at", "-id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(fmt=request.GET["export"], filename="followups", rows=export_rows(rows),
                               headers=EXPORT_HEADERS(), audit_target=request.user,
                               note=f"followups {request.GET.urlencode()}")
    page, query_string = page_of(request, rows.select_related("owner", "customer", "contact", "lead"))
    return render(request, "activities/followups/list.html", {
        "page": page, "form": form, "query_string": query_string,
        "can_create": access.can_create_pipeline_records(request.user)})


def _context_records(request) -> dict:
    """The records a new follow-up is about, from ?customer=&opportunity=&lead=&agreement=&contact= (GET) or the
    same hidden fields (POST); each must be visible (else 404). The customer is derived from the opportunity, the
    agreement or the lead's converted customer when not given."""
    source = request.POST if request.method == "POST" else request.GET
    found = {}
    for name, model in (("customer", Customer), ("opportunity", Opportunity), ("lead", Lead),
                        ("agreement", Agreement), ("contact", Contact)):
        value = source.get(name, "")
        if value.isdigit():
            found[name] = access.get_visible_or_404(model, request.user, pk=int(value))
    if "customer" not in found:
        for name in ("opportunity", "agreement"):
            if found.get(name) is not None and found[name].customer_id:
                found["customer"] = found[name].customer
                break
        else:
            lead = found.get("lead")
            if lead is not None and lead.converted_customer_id:
                found["customer"] = lead.converted_customer
    return found


def _next_url(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def followup_create(request):
    if not access.can_create_pipeline_records(request.user):
        raise PermissionDenied(_("Your role cannot record follow-ups."))
    records = _context_records(request)
    if "customer" not in records and "lead" not in records:
        return render_customer_pick(request, "activities/followups/pick_customer.html")
    customer = records.get("customer")
    initial = {"contact": records["contact"].pk} if "contact" in records else {}
    if "opportunity" in records:
        initial["opportunity"] = records["opportunity"].pk
    form = ActivityForm(request.POST or None, user=request.user, customer=customer, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.activity_data()
        owner = data.pop("owner", None) if "owner" in data else None
        data.update({k: records[k] for k in ("customer", "lead", "agreement") if k in records})
        try:
            activity = services.record_activity(actor=request.user, data=data, owner=owner)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect(_next_url(request, activity.get_absolute_url()))
    return render(request, "activities/followups/form.html", {
        "form": form, "records": records, "next": _next_url(request, ""),
    }, status=400 if request.method == "POST" else 200)


def _get(request, pk) -> Activity:
    return access.get_visible_or_404(Activity.objects.select_related(*DISPLAY_RELATED), request.user, pk=pk)


@login_required
def activity_detail(request, pk):
    activity = access.get_visible_or_404(
        visible_activities(request.user).select_related("team", "visit_plan"), request.user, pk=pk)
    return render(request, "activities/followups/detail.html", {
        "a": activity, "can_edit": services.may_edit(request.user, activity),
        "history": AuditEntry.for_object(activity)[:30],
    })


@login_required
def activity_edit(request, pk):
    activity = _get(request, pk)
    services.require_may_edit(request.user, activity)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user, customer=activity.customer)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_activity(activity, actor=request.user, data=form.activity_data(),
                                         version=form.cleaned_data["version"] or activity.version)
            except StaleEditError:
                form.add_error(None, StaleEditError.message)
                status = 409
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Follow-up saved."))
                return redirect(activity)
    return render(request, "activities/followups/form.html", {"form": form, "object": activity}, status=status)


@login_required
def activity_delete(request, pk):
    """GET asks first (what goes, and that the last contact stays); POST deletes."""
    activity = _get(request, pk)
    services.require_may_edit(request.user, activity)
    if request.method == "POST":
        services.delete_activity(activity, actor=request.user)
        messages.success(request, _("Follow-up deleted."))
        return redirect(_next_url(request, "activities:followup-list"))
    return render(request, "activities/followups/confirm_delete.html", {
        "a": activity, "next": _next_url(request, ""),
    })
