from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from salesflow.contracts.models import Agreement, NumberingRule
from salesflow.core.periods import parse_period
from salesflow.org import access
from salesflow.org.models import User

from .numbering import validate_pattern
from .services import EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Agreement.Kind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *Agreement.Status.choices], required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    customer = forms.IntegerField(label=_("Customer"), required=False, widget=forms.HiddenInput)
    period = forms.CharField(label=_("Signed in (2026, 2026-Q3, 2026-07)"), required=False)
    signed_from = forms.DateField(label=_("Signed from"), required=False, widget=DATE)
    signed_to = forms.DateField(label=_("Signed to"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.users_in_scope(user).order_by("username")

    def clean_period(self):
        value = self.cleaned_data["period"].strip()
        if value:
            try:
                return parse_period(value)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return None

    def apply(self, agreements):
        if not self.is_valid():
            return agreements.none()
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            agreements = agreements.filter(number__startswith=q) if q[:2].isascii() and "-" in q else \
                agreements.filter(title__icontains=q)
        for field in ("kind", "status", "owner"):
            if data[field]:
                agreements = agreements.filter(**{field: data[field]})
        if data["customer"]:
            agreements = agreements.filter(customer_id=data["customer"])
        if data["period"]:
            agreements = agreements.filter(signed_on__range=(data["period"].start, data["period"].end))
        if data["signed_from"]:
            agreements = agreements.filter(signed_on__gte=data["signed_from"])
        if data["signed_to"]:
            agreements = agreements.filter(signed_on__lte=data["signed_to"])
        return agreements


class AgreementForm(forms.ModelForm):
    """The plain fields; the service decides numbering, team, status, credit flag and approval."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    revise = forms.BooleanField(
        label=_("Revise: send this agreement back for approval with these changes"), required=False)

    class Meta:
        model = Agreement
        fields = [f for f in EDITABLE_FIELDS if f not in ("opportunity", "quotation")]
        widgets = {"signed_on": DATE, "start_on": DATE, "end_on": DATE,
                   "breach_liability": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["customer"]  # chosen before the form (?customer= or ?opportunity=), checked by the view
        self.fields["owner"].queryset = access.users_in_scope(user).order_by("username")
        self.fields["owner"].required = False
        self.fields["amount"].required = False
        self.fields["amount"].help_text = _("Left as entered when there are no lines; with lines it is their sum.")
        self.fields["amount"].validators.append(MinValueValidator(0))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.status not in (Agreement.Status.ACTIVE, Agreement.Status.PENDING):
                del self.fields["revise"]
        else:
            del self.fields["revise"]

    def _post_clean(self):
        # The service validates the model (with numbering, team and lines); the form checks only its fields.
        pass

    def agreement_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        if data.get("owner") is None:
            data.pop("owner", None)
        if data.get("amount") is None:
            data.pop("amount", None)
        return data


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.01, max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, max_digits=16, decimal_places=2)
    discount_rate = forms.DecimalField(label=_("Discount %"), min_value=0, max_value=100, max_digits=5,
                                       decimal_places=2, required=False)
    tax_rate = forms.DecimalField(label=_("Tax rate %"), min_value=0, max_value=100, max_digits=5,
                                  decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from salesflow.catalog.models import Product

        self.fields["product"].queryset = Product.objects.filter(active=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and not cleaned.get("product") and not cleaned.get("description") \
                and cleaned.get("quantity") is not None:
            self.add_error("description", _("Choose a product or enter a description."))
        return cleaned


LineFormSet = forms.formset_factory(LineForm, extra=2, can_delete=True)


def formset_lines(formset) -> list[dict]:
    return [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=[(Agreement.Status.COMPLETED, Agreement.Status.COMPLETED.label),
                                    (Agreement.Status.TERMINATED, Agreement.Status.TERMINATED.label)])
    note = forms.CharField(max_length=300, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class NumberingRuleForm(forms.ModelForm):
    class Meta:
        model = NumberingRule
        fields = ["kind", "pattern", "reset"]
        widgets = {"kind": forms.HiddenInput}

    def clean_pattern(self):
        pattern = self.cleaned_data["pattern"].strip()
        try:
            validate_pattern(pattern)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return pattern
