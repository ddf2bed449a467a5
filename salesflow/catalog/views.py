from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesflow.core.concurrency import StaleEditError
from salesflow.org import access
from salesflow.org.models import Role

from .forms import PriceListForm, PriceListItemFormSet, ProductFormSet, RoleDiscountLimitFormSet
from .models import PriceList, Product, RoleDiscountLimit


@login_required
def products(request):
    access.require_role(request.user, Role.ADMIN)
    formset = ProductFormSet(request.POST or None, prefix="products", queryset=Product.objects.all())
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, _("Products saved."))
        return redirect("catalog:products")
    return render(request, "catalog/products.html", {"formset": formset},
                  status=400 if request.method == "POST" else 200)


@login_required
def price_lists(request):
    access.require_role(request.user, Role.ADMIN)
    lists = PriceList.objects.all()
    return render(request, "catalog/price_lists.html", {"price_lists": lists})


@login_required
def price_list_edit(request, pk=None):
    access.require_role(request.user, Role.ADMIN)
    price_list = get_object_or_404(PriceList, pk=pk) if pk else PriceList()
    form = PriceListForm(request.POST or None, instance=price_list)
    items = PriceListItemFormSet(request.POST or None, instance=price_list, prefix="items")
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
                items.instance = saved
                items.save()
        except StaleEditError:
            status = 409
        else:
            messages.success(request, _("Price list saved."))
            return redirect("catalog:price_lists")
    return render(request, "catalog/price_list_form.html", {"form": form, "items": items, "object": price_list},
                  status=status)


@login_required
def discount_limits(request):
    access.require_role(request.user, Role.ADMIN)
    formset = RoleDiscountLimitFormSet(request.POST or None, prefix="limits", queryset=RoleDiscountLimit.objects.all())
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, _("Discount limits saved."))
        return redirect("catalog:discount_limits")
    return render(request, "catalog/discount_limits.html", {"formset": formset},
                  status=400 if request.method == "POST" else 200)
