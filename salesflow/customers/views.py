from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.paging import page_of
from salesflow.core.registry import customer_sections
from salesflow.org import access

from . import services
from .forms import AssignForm, BulkActionForm, ContactForm, CustomerFilterForm, CustomerForm, PoolFilterForm, ReturnForm
from .imports import export_customers
from .models import Contact, Customer, SavedView
from .selectors import latest_returns


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = form.apply(Customer.objects.visible_to(request.user)) if request.GET else (
        Customer.objects.visible_to(request.user).order_by("-created_at", "-id"))
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:  # columns the importer reads back (match by ID to update the same records)
        headers, rows = export_customers(customers)
        return export_response(fmt=export, filename="customers", headers=headers,
                               rows=rows, audit_target=request.user, note=f"customers {request.GET.urlencode()}")
    page, query_string = page_of(request, customers.select_related("owner", "region"))
    context = {
        "page": page, "form": form, "bulk_form": BulkActionForm(user=request.user), "query_string": query_string,
        "saved_views": SavedView.objects.filter(user=request.user, list_name="customers"),
    }
    return render(request, "customers/customer_list.html", context)


SAVED_VIEW_LISTS = {"customers": "customers:list", "opportunities": "pipeline:list", "leads": "leads:list"}


@login_required
@require_POST
def save_view(request):
    """Save the current filters of a list (customers, leads or opportunities) under a name."""
    list_name = request.POST.get("list", "customers")
    if list_name not in SAVED_VIEW_LISTS:
        list_name = "customers"
    name = request.POST.get("name", "").strip()[:60]
    query = request.POST.get("query", "")[:1000]
    if not name:
        messages.error(request, _("Give the view a name."))
    else:
        SavedView.objects.update_or_create(user=request.user, list_name=list_name, name=name,
                                           defaults={"query": query})
        messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    return redirect(f"{reverse(SAVED_VIEW_LISTS[list_name])}?{query}")


@login_required
@require_POST
def delete_view(request, pk):
    get_object_or_404(SavedView, pk=pk, user=request.user).delete()
    return redirect("customers:list")


@login_required
@require_POST
def bulk_action(request):
    form = BulkActionForm(request.POST, user=request.user)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose customers and complete the action's fields."))
        return redirect("customers:list")
    customers = list(Customer.objects.visible_to(request.user).filter(pk__in=ids))
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if data["action"] == "assign":
                done = services.transfer_customers(actor=request.user, customers=customers, to_owner=data["owner"],
                                                   reason=data["reason"])
            elif data["action"] == "tag":
                for customer in customers:
                    access.require_change(request.user, customer)
                    customer.tags.add(data["tag"])
                done = len(customers)
            else:
                for customer in customers:
                    services.return_customer_to_pool(actor=request.user, customer=customer, reason=data["reason"])
                done = len(customers)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        return redirect("customers:list")
    messages.success(request, _("%(n)s customers updated.") % {"n": done})
    return redirect("customers:list")


@login_required
def pool(request):
    if not services.can_use_pool(request.user):
        raise PermissionDenied
    form = PoolFilterForm(request.GET or None)
    customers = Customer.objects.in_pool()
    customers = form.apply(customers) if form.is_bound else customers
    page, query_string = page_of(request, customers.select_related("region").order_by("-pool_entered_at", "-id"))
    returns = latest_returns(page.object_list)
    rows = [(c, returns.get(c.pk)) for c in page.object_list]
    return render(request, "customers/pool.html", {
        "page": page, "rows": rows, "form": form, "query_string": query_string,
        "assign_form": AssignForm(user=request.user), "filtering": form.is_filtering()})


@login_required
@require_POST
def claim(request, pk):
    customer = get_object_or_404(Customer.objects.in_pool(), pk=pk)
    try:
        services.claim_customer(actor=request.user, customer=customer)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("customers:pool")
    messages.success(request, _("%(name)s is now yours.") % {"name": customer})
    return redirect(customer)


@login_required
@require_POST
def return_to_pool(request, pk):
    customer = access.get_visible_or_404(Customer, request.user, pk=pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the customer goes back to the pool."))
        services.return_customer_to_pool(actor=request.user, customer=customer, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(customer)
    messages.success(request, _("%(name)s returned to the pool.") % {"name": customer})
    return redirect("customers:list")


@login_required
@require_POST
def assign(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    if customer.owner_id is not None:
        customer = access.get_visible_or_404(Customer, request.user, pk=pk)
    form = AssignForm(request.POST, user=request.user)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose who receives the customer."))
        services.assign_customer(actor=request.user, customer=customer, owner=form.cleaned_data["owner"],
                                 reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("customers:pool" if customer.owner_id is None else customer.get_absolute_url())
    messages.success(request, _("%(name)s assigned.") % {"name": customer})
    return redirect(customer)


@login_required
def customer_detail(request, pk):
    """The customer 360 page: apps plug their sections in through ``core.registry.customer_sections``."""
    customer = access.get_visible_or_404(
        Customer.objects.select_related("owner", "team", "region").prefetch_related("tags"), request.user, pk=pk
    )
    sections = [{"name": entry.name, "html": entry.func(request, customer)} for entry in customer_sections.all()]
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "ownership": customer.ownership_changes.select_related("from_owner", "to_owner", "by")[:20],
        "history": AuditEntry.for_object(customer)[:20],
        "sections": sections,
        "can_change": access.can_change(request.user, customer),
        "assign_form": AssignForm(user=request.user) if request.user.is_manager_or_above else None,
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
def customer_edit(request, pk=None):
    customer = None
    if pk:
        customer = access.get_visible_or_404(Customer, request.user, pk=pk)
        access.require_change(request.user, customer)
    else:
        access.require_can_create(request.user)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            if customer is None:
                data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "tags")}
                saved = services.create_customer(actor=request.user, owner=request.user, tags=form.cleaned_data["tags"],
                                                 **data)
            else:
                saved = form.save()
        except StaleEditError:
            return render(request, "customers/customer_form.html", {"form": form, "object": customer}, status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Customer %(name)s saved.") % {"name": saved})
            return redirect(saved)
    duplicates = []
    if request.method == "POST" and customer is None:
        duplicates = services.duplicates_seen_by(request.user, services.find_duplicate_customers(
            name=request.POST.get("name", ""), phone=request.POST.get("phone", ""),
            email=request.POST.get("email", ""), credit_code=request.POST.get("credit_code", "")))
    status = 400 if form.errors else 200
    return render(request, "customers/customer_form.html",
                  {"form": form, "object": customer, "duplicates": duplicates}, status=status)


@login_required
def contact_edit(request, customer_pk, pk=None):
    customer = access.get_visible_or_404(Customer, request.user, pk=customer_pk)
    access.require_change(request.user, customer)
    contact = get_object_or_404(Contact, pk=pk, customer=customer) if pk else Contact(customer=customer)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEditError:
            return render(request, "customers/contact_form.html", {"form": form, "customer": customer}, status=409)
        messages.success(request, _("Contact saved."))
        return redirect(customer)
    status = 400 if form.errors else 200
    return render(request, "customers/contact_form.html", {"form": form, "customer": customer, "contact": contact},
                  status=status)


@login_required
def contact_list(request):
    query = request.GET.get("q", "").strip()
    contacts = Contact.objects.visible_to(request.user).select_related("customer").order_by("-created_at", "-id")
    if query:
        contacts = contacts.filter(Q(name__icontains=query) | Q(phone__icontains=query) | Q(email__iexact=query)
                                   | Q(customer__name__icontains=query))
    if request.GET.get("export") in {"csv", "xlsx"}:
        rows = contacts.values_list("customer__name", "name", "title", "decision_role", "phone", "email", "wechat")
        return export_response(
            fmt=request.GET["export"], filename="contacts", audit_target=request.user, note=f"contacts q={query!r}",
            headers=[_("Customer"), _("Name"), _("Job title"), _("Decision role"), _("Phone"), _("Email"),
                     _("WeChat")], rows=rows.iterator(chunk_size=2000))
    page, query_string = page_of(request, contacts)
    return render(request, "customers/contact_list.html", {"page": page, "q": query, "query_string": query_string})
