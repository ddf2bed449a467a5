"""The filters every analytics page, API call and report shares."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.catalog.models import Product
from salesflow.core.periods import parse_period, period_choices
from salesflow.core.widgets import FastSelect
from salesflow.customers.models import Customer
from salesflow.org.models import Region, Team, User

from ..models import Opportunity, Pipeline


class AnalyticsFilter(forms.Form):
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.filter(active=True),
                                      required=False, widget=FastSelect)
    period = forms.CharField(label=_("Period"), required=False, help_text=_("2026, 2026-Q3, 2026-07 or 2026-W05"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("path"),
                                  required=False, widget=FastSelect)
    owner = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.filter(is_active=True),
                                   required=False, widget=FastSelect)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("path"),
                                    required=False, widget=FastSelect)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(active=True),
                                     required=False, widget=FastSelect)
    customer_class = forms.ChoiceField(label=_("Customer class"), choices=[("", "—"), *Customer.Class.choices],
                                       required=False, widget=FastSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        selected = str(self.data.get("period", "")) if self.is_bound else ""
        self.fields["period"].widget = FastSelect(
            choices=[("", _("All periods")), *period_choices(timezone.localdate(), selected)]
        )
        self.fields["period"].help_text = ""

    def clean_period(self):
        label = self.cleaned_data["period"].strip()
        if label:
            try:
                return parse_period(label)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return None

    def selected_pipeline(self) -> Pipeline:
        return (self.cleaned_data.get("pipeline") if self.is_valid() else None) or Pipeline.default()

    def apply(self, opportunities, *, period_field="expected_close_date"):
        """Restrict an already permission-filtered queryset by the chosen filters."""
        if not self.is_valid():
            return opportunities.none()
        data = self.cleaned_data
        if data["period"]:
            opportunities = opportunities.filter(**{f"{period_field}__range": (data["period"].start,
                                                                               data["period"].end)})
        if data["team"]:
            opportunities = opportunities.filter(team__in=data["team"].subtree().values("id"))
        if data["owner"]:
            opportunities = opportunities.filter(owner=data["owner"])
        if data["region"]:
            opportunities = opportunities.filter(region__in=data["region"].subtree().values("id"))
        if data["product"]:
            opportunities = opportunities.filter(lines__product=data["product"]).distinct()
        if data["customer_class"]:
            opportunities = opportunities.filter(customer__customer_class=data["customer_class"])
        return opportunities


def visible(user):
    return Opportunity.objects.visible_to(user) if user is not None else Opportunity.objects.all()
