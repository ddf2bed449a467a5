from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesflow.org import access
from salesflow.org.models import Role

from .forms import ProductFormSet
from .models import Product


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
