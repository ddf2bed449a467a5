"""Forms of the money pages. They parse and show errors; the rules live in services.py."""

import datetime
import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.contracts.models import Invoice, Payment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": Decimal("0.01")}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    received_on = forms.DateField(label=_("Received on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices,
                               initial=Payment.Method.BANK_TRANSFER)
    reference = forms.CharField(label=_("Bank reference"), max_length=80, required=False)
    payer = forms.CharField(label=_("Payer"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    # Generated when the form is shown: a double submit (or a browser retry) posts the same key and counts once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", f"web-{uuid.uuid4().hex}")


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=300)


class InvoiceRequestForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount incl. tax"), **MONEY)
    type = forms.ChoiceField(label=_("Invoice type"), choices=Invoice.Type.choices, initial=Invoice.Type.SPECIAL)
    tax_rate = forms.DecimalField(label=_("Tax rate %"), max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                  initial=Decimal("13"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", f"web-{uuid.uuid4().hex}")


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=40)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE, initial=timezone.localdate)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class InstalmentForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)  # noqa: A003
    due_on = forms.DateField(label=_("Due on"), widget=DATE, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("amount") and not data.get("due_on")


PlanFormSet = forms.formset_factory(InstalmentForm, extra=2, max_num=60, validate_max=True)


def plan_from_formset(formset) -> list[dict]:
    return [{"id": f.cleaned_data.get("id"), "due_on": f.cleaned_data.get("due_on"),
             "amount": f.cleaned_data.get("amount"), "note": f.cleaned_data.get("note", "")}
            for f in formset.forms if f.cleaned_data and not f.is_blank()]


class AgeingFilterForm(forms.Form):
    GROUPS = [("rep", _("Rep")), ("team", _("Team")), ("customer", _("Customer")), ("region", _("Region")),
              ("agreement", _("Agreement"))]
    as_of = forms.DateField(label=_("As of"), widget=DATE, required=False)
    group_by = forms.ChoiceField(label=_("Group by"), choices=GROUPS, required=False)

    def values(self):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("as_of") or timezone.localdate(), data.get("group_by") or "rep"


class StatsFilterForm(forms.Form):
    BY = [("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year")), ("team", _("Team")),
          ("rep", _("Rep")), ("region", _("Region")), ("customer", _("Customer")), ("product", _("Product"))]
    period = forms.CharField(label=_("Period"), required=False, max_length=10,
                             help_text=_("2026, 2026-Q3 or 2026-07"))
    by = forms.ChoiceField(label=_("By"), choices=BY, required=False)

    def clean_period(self):
        from salesflow.core.periods import parse_period

        value = self.cleaned_data["period"].strip()
        if not value:
            return None
        try:
            return parse_period(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Agreement number"), required=False, max_length=40)
    since = forms.DateField(label=_("From"), widget=DATE, required=False)
    until = forms.DateField(label=_("To"), widget=DATE, required=False)

    def apply(self, queryset, date_field):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(agreement__number__istartswith=data["q"].strip())
        if data.get("since"):
            queryset = queryset.filter(**{f"{date_field}__gte": data["since"]})
        if data.get("until"):
            queryset = queryset.filter(**{f"{date_field}__lte": data["until"]})
        return queryset


def today() -> datetime.date:
    return timezone.localdate()
