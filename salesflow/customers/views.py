from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.registry import customer_sections
from salesflow.org import access

from .forms import CustomerForm
from .models import Customer


@login_required
def customer_list(request):
    query = request.GET.get("q", "").strip()
    customers = (
        Customer.objects.visible_to(request.user).search(query).select_related("owner", "team", "region")
    )
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        rows = customers.values_list("id", "name", "industry", "region__name", "owner__username", "created_at")
        return export_response(
            fmt=export, filename="customers",
            headers=[_("ID"), _("Customer name"), _("Industry"), _("Region"), _("Owner"), _("Created")],
            rows=((i, n, ind, r, o, c.strftime("%Y-%m-%d %H:%M")) for i, n, ind, r, o, c in rows.iterator()),
            audit_target=request.user, note=f"customers q={query!r}",
        )
    page = Paginator(customers, 25).get_page(request.GET.get("page"))
    return render(request, "customers/customer_list.html", {"page": page, "q": query})


@login_required
def customer_detail(request, pk):
    """The customer 360 page: apps plug their sections in through ``core.registry.customer_sections``."""
    customer = access.get_visible_or_404(
        Customer.objects.select_related("owner", "team", "region"), request.user, pk=pk
    )
    sections = [
        {"name": entry.name, "html": entry.func(request, customer)} for entry in customer_sections.all()
    ]
    history = AuditEntry.for_object(customer)[:20]
    context = {
        "customer": customer, "sections": sections, "history": history,
        "can_change": access.can_change(request.user, customer),
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
def customer_edit(request, pk=None):
    customer = None
    if pk:
        customer = access.get_visible_or_404(Customer, request.user, pk=pk)
        access.require_change(request.user, customer)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        if customer is None:
            form.instance.owner = request.user
        try:
            saved = form.save()
        except StaleEditError:
            return render(request, "customers/customer_form.html", {"form": form, "object": customer}, status=409)
        messages.success(request, _("Customer %(name)s saved.") % {"name": saved})
        return redirect(saved)
    status = 400 if form.errors else 200
    return render(request, "customers/customer_form.html", {"form": form, "object": customer}, status=status)
