"""Admin pages for the customer domain's managed lists: pool rules and limits, tags."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesflow.org import access
from salesflow.org.models import Role

from .models import PoolRule, PoolSettings, Tag

PoolRuleFormSet = forms.modelformset_factory(
    PoolRule, fields=["customer_class", "days_without_contact", "days_without_deal", "notice_days", "active"],
    extra=0, can_delete=False)
TagFormSet = forms.modelformset_factory(Tag, fields=["name", "colour"], extra=2, can_delete=True,
                                        widgets={"colour": forms.TextInput(attrs={"type": "color"})})


class PoolSettingsForm(forms.ModelForm):
    class Meta:
        model = PoolSettings
        fields = ["max_customers_per_rep"]


@login_required
def customer_settings(request):
    access.require_role(request.user, Role.ADMIN)
    data = request.POST or None
    rules = PoolRuleFormSet(data, prefix="rules", queryset=PoolRule.objects.all())
    limits = PoolSettingsForm(data, prefix="limits", instance=PoolSettings.current())
    tags = TagFormSet(data, prefix="tags", queryset=Tag.objects.all())
    if request.method == "POST" and rules.is_valid() and limits.is_valid() and tags.is_valid():
        rules.save()
        limits.save()
        tags.save()
        messages.success(request, _("Settings saved."))
        return redirect("customers:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/settings.html", {"rules": rules, "limits": limits, "tags": tags},
                  status=status)
