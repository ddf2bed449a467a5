from django import forms
from django.utils.translation import gettext_lazy as _

from salesflow.leads.costs import parse_month
from salesflow.leads.models import LeadSource


class SourceCostForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Lead source"), queryset=LeadSource.objects.order_by("name"))
    month = forms.CharField(label=_("Month"), max_length=7, help_text=_("YYYY-MM, e.g. 2026-07."),
                            widget=forms.TextInput(attrs={"type": "month"}))
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data["month"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["month"]) from None
