"""Forms of the commission pages: a plan with its tier table, the statements filter, a what-if copy of a plan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesflow.core.concurrency import VersionedModelForm
from salesflow.org.models import User

from ..models import CommissionPlan, CommissionStatement


class PlanForm(VersionedModelForm):
    members = forms.ModelMultipleChoiceField(User.objects.filter(is_active=True).order_by("username"),
                                             required=False, label=_("named people"),
                                             widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = CommissionPlan
        fields = ["name", "role", "members", "effective_from", "effective_to", "ote", "base_percent",
                  "variable_percent", "basis", "measured_on", "cap_multiple", "decelerator_below",
                  "decelerator_factor", "active"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}),
                   "effective_to": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].required = False  # left out: own deals, as before the choice existed

    def clean_measured_on(self):
        return self.cleaned_data.get("measured_on") or CommissionPlan.MeasuredOn.OWN


class TierForm(forms.Form):
    from_percent = forms.DecimalField(label=_("from % of quota"), required=False, max_digits=7, decimal_places=2)
    to_percent = forms.DecimalField(label=_("to % of quota"), required=False, max_digits=7, decimal_places=2)
    rate = forms.DecimalField(label=_("rate % of amount"), required=False, max_digits=6, decimal_places=3)


TierFormSet = forms.formset_factory(TierForm, extra=2, max_num=12)


def tiers_from(formset) -> list[tuple]:
    """The filled-in rows of the tier table, in order ((from, to, rate); empty rows left out)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data if form.is_valid() else {}
        if any(data.get(k) not in (None, "") for k in ("from_percent", "to_percent", "rate")):
            rows.append((data.get("from_percent"), data.get("to_percent"), data.get("rate")))
    return rows


def initial_tiers(plan) -> list[dict]:
    return [{"from_percent": t.from_percent, "to_percent": t.to_percent, "rate": t.rate} for t in plan.tiers.all()]


class StatementFilterForm(forms.Form):
    period = forms.CharField(label=_("period"), required=False, max_length=10,
                             widget=forms.TextInput(attrs={"placeholder": "2026-10", "size": 8}))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All")), *CommissionStatement.Status.choices])


class WhatIfForm(forms.ModelForm):
    class Meta:
        model = CommissionPlan
        fields = ["ote", "base_percent", "variable_percent", "basis", "cap_multiple", "decelerator_below",
                  "decelerator_factor"]
