
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.paging import page_of
from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import User

from . import services
from .forms import ConvertForm, InboundLeadForm, LeadFilterForm, LeadForm
from .imports import export_leads
from .models import Lead

INBOUND_LIMIT_PER_HOUR = 5


@login_required
def lead_list(request):
    form = LeadFilterForm(request.GET or None)
    leads = Lead.objects.visible_to(request.user).filter(merged_into__isnull=True)
    leads = form.apply(leads) if request.GET else leads
    if request.GET.get("export") in {"csv", "xlsx"}:
        headers, rows = export_leads(leads)  # columns the importer reads back (match by ID to update)
        return export_response(fmt=request.GET["export"], filename="leads", audit_target=request.user,
                               note="leads export", headers=headers, rows=rows)
    page, query_string = page_of(request, leads.select_related("owner", "source"))
    return render(request, "leads/lead_list.html", {"page": page, "form": form, "query_string": query_string})


@login_required
def lead_edit(request, pk=None):
    lead = None
    if pk:
        lead = access.get_visible_or_404(Lead, request.user, pk=pk)
        access.require_change(request.user, lead)
    else:
        access.require_can_create(request.user)
    form = LeadForm(request.POST or None, instance=lead)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if lead is None:
            duplicates = services.duplicates_for(actor=request.user, company=data["company"], phone=data["phone"],
                                                 email=data["email"])
            if (duplicates["leads"] or duplicates["customers"]) and not request.POST.get("confirm_new"):
                return render(request, "leads/lead_form.html", {"form": form, "duplicates": duplicates}, status=200)
            saved = services.create_lead(actor=request.user, owner=request.user, **data)
        else:
            try:
                saved = form.save()
            except StaleEditError:
                return render(request, "leads/lead_form.html", {"form": form, "object": lead}, status=409)
        messages.success(request, _("Lead saved."))
        return redirect(saved)
    status = 400 if form.errors else 200
    return render(request, "leads/lead_form.html", {"form": form, "object": lead}, status=status)


def assignable_users(user):
    return access.assignable_users(user)


def _render_detail(request, lead, *, convert_form=None, status=200):
    """The lead page; a refused conversion passes its bound form so what the user typed is shown again."""
    context = {
        "lead": lead, "convert_form": convert_form or ConvertForm(initial={"opportunity_subject": lead.company}),
        "duplicates": services.duplicates_for(actor=request.user, company=lead.company, phone=lead.phone,
                                              email=lead.email, exclude_pk=lead.pk)
        if lead.status != Lead.Status.CONVERTED else {},
        "history": services.merged_history(lead)[:30], "can_change": access.can_change(request.user, lead),
        "statuses": [s for s in (Lead.Status.CONTACTED, Lead.Status.QUALIFIED, Lead.Status.NEW) if lead.can_become(s)],
        "assignable": assignable_users(request.user) if request.user.is_manager_or_above else [],
    }
    return render(request, "leads/lead_detail.html", context, status=status)


@login_required
def lead_detail(request, pk):
    lead = access.get_visible_or_404(Lead.objects.select_related("owner", "source", "region"), request.user, pk=pk)
    return _render_detail(request, lead)


def _act(request, lead, action):
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(lead)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You do not have permission to do this."))
        return redirect(lead)
    return result


@login_required
@require_POST
def lead_status(request, pk):
    lead = access.get_visible_or_404(Lead, request.user, pk=pk)
    status = request.POST.get("status", "")
    if status not in Lead.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(lead)
    def change():
        services.change_status(actor=request.user, lead=lead, status=status, reason=request.POST.get("reason", ""))
        return redirect(lead)

    return _act(request, lead, change)


@login_required
@require_POST
def lead_convert(request, pk):
    lead = access.get_visible_or_404(Lead.objects.select_related("owner", "source", "region"), request.user, pk=pk)
    access.require_change(request.user, lead)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        form.add_error(None, _("Check the conversion fields."))
        return _render_detail(request, lead, convert_form=form, status=400)
    data = form.cleaned_data
    customer = None
    if data["customer"]:
        customer = Customer.objects.filter(pk=data["customer"]).first()
        if customer is None or (customer.owner_id and not access.can_view(request.user, customer)):
            form.add_error(None, _("No such customer that you can see."))
            return _render_detail(request, lead, convert_form=form, status=400)
    try:
        converted = services.convert_lead(
            actor=request.user, lead=lead, customer=customer, create_opportunity=data["create_opportunity"],
            opportunity_subject=data["opportunity_subject"], amount=data["amount"],
            expected_close_date=data["expected_close_date"])
    except (ValidationError, PermissionDenied) as exc:
        # Refused: the page comes back with what was typed and the reason, nothing is thrown away.
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        return _render_detail(request, lead, convert_form=form,
                              status=400 if isinstance(exc, ValidationError) else 403)
    messages.success(request, _("Lead converted."))
    return redirect(converted.converted_customer)


@login_required
@require_POST
def lead_merge(request, pk):
    survivor = access.get_visible_or_404(Lead, request.user, pk=pk)
    duplicate = access.get_visible_or_404(Lead, request.user, pk=request.POST.get("duplicate") or 0)
    def merge():
        services.merge_leads(actor=request.user, survivor=survivor, duplicate=duplicate)
        messages.success(request, _("Leads merged."))
        return redirect(survivor)

    return _act(request, survivor, merge)


@login_required
@require_POST
def lead_assign(request, pk):
    lead = access.get_visible_or_404(Lead, request.user, pk=pk)
    owner = User.objects.filter(pk=request.POST.get("owner") or 0, is_active=True).first()
    if owner is None:
        messages.error(request, _("Choose who receives the lead."))
        return redirect(lead)
    def assign():
        services.assign_lead(actor=request.user, lead=lead, owner=owner)
        return redirect(lead)

    return _act(request, lead, assign)


def inbound(request):
    """The public lead form (no login). Spam-protected and rate limited per address."""
    form = InboundLeadForm(request.POST or None)
    if request.method == "POST":
        try:
            services.register_inbound_submission(request.META.get("REMOTE_ADDR"))
        except services.TooManySubmissions:
            return render(request, "leads/inbound.html", {"form": form, "limited": True}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.receive_inbound_lead(**{k: data[k] for k in ("company", "contact_name", "phone", "email",
                                                                      "notes")})
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return render(request, "leads/inbound.html", {"done": True})
        return render(request, "leads/inbound.html", {"form": form}, status=400)
    return render(request, "leads/inbound.html", {"form": form})
