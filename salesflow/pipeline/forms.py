from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.widgets import use_fast_selects
from salesflow.org.models import Team, User

from .models import Opportunity, Pipeline, Stage

SORTS = {"-created_at": _("Newest first"), "expected_close_date": _("Closing soonest"), "-amount": _("Largest first")}


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *Opportunity.Status.choices], required=False)
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.all(), required=False)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.select_related("pipeline"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("path"), required=False)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *Opportunity.Type.choices], required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "—"), *Opportunity.Priority.choices],
                                 required=False)
    starred = forms.BooleanField(label=_("Starred"), required=False)
    close_from = forms.DateField(label=_("Expected close from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    close_to = forms.DateField(label=_("Expected close to"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    amount_min = forms.DecimalField(label=_("Amount from"), required=False, min_value=0)
    amount_max = forms.DecimalField(label=_("Amount to"), required=False, min_value=0)
    sort = forms.ChoiceField(label=_("Sort"), choices=list(SORTS.items()), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].label_from_instance = lambda t: t.indented_name
        use_fast_selects(self)

    def apply(self, opportunities):
        if not self.is_valid():
            return opportunities.none()
        data = self.cleaned_data
        if data["q"]:
            opportunities = opportunities.filter(subject__icontains=data["q"].strip())
        for field in ("status", "pipeline", "stage", "owner", "type", "priority"):
            if data[field]:
                opportunities = opportunities.filter(**{field: data[field]})
        if data["starred"]:
            opportunities = opportunities.filter(starred=True)
        if data["team"]:
            opportunities = opportunities.filter(team__in=data["team"].subtree().values("id"))
        if data["close_from"]:
            opportunities = opportunities.filter(expected_close_date__gte=data["close_from"])
        if data["close_to"]:
            opportunities = opportunities.filter(expected_close_date__lte=data["close_to"])
        if data["amount_min"] is not None:
            opportunities = opportunities.filter(amount__gte=data["amount_min"])
        if data["amount_max"] is not None:
            opportunities = opportunities.filter(amount__lte=data["amount_max"])
        return opportunities.order_by(data["sort"] or "-created_at", "-id")


ZERO_AMOUNT_WARNING = _("The amount is 0: this deal adds nothing to the forecast and funnel amounts.")
PAST_CLOSE_WARNING = _("This close date is in the past: the deal will be flagged as stalled.")


class OpportunityForm(forms.ModelForm):
    """Create or edit the plain fields; stage and status change only through the move/win/lose actions."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Opportunity
        fields = ["subject", "customer", "amount", "expected_close_date", "type", "category", "priority", "starred",
                  "source", "forecast_category", "next_step", "contacts", "competitors"]
        widgets = {"expected_close_date": forms.DateInput(attrs={"type": "date"}), "customer": forms.HiddenInput,
                   "contacts": forms.CheckboxSelectMultiple, "competitors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from salesflow.customers.models import Customer

        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        self.fields["customer"].required = True  # only an import may leave the account unknown
        customer_id = self.instance.customer_id or self.initial.get("customer")
        self.fields["contacts"].queryset = self.fields["contacts"].queryset.filter(customer_id=customer_id)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["customer"]
        # A negative amount is refused here, by field, before the database constraint could name itself.
        self.fields["amount"].validators.append(MinValueValidator(0))
        self.fields["amount"].widget.attrs.update({"min": "0", "data-warn-zero": ZERO_AMOUNT_WARNING})
        self.fields["expected_close_date"].widget.attrs["data-warn-past"] = PAST_CLOSE_WARNING

    def warnings(self) -> list[str]:
        """Non-blocking notes about what was saved: a zero amount, a close date already past."""
        data = self.cleaned_data
        notes = []
        if data.get("amount") is not None and data["amount"] == 0:
            notes.append(ZERO_AMOUNT_WARNING)
        close = data.get("expected_close_date")
        if close is not None and close < timezone.localdate():
            notes.append(PAST_CLOSE_WARNING)
        return notes


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.01, max_digits=12, decimal_places=2)
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, max_digits=16, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from salesflow.catalog.models import Product

        self.fields["product"].queryset = Product.objects.filter(active=True)


LineFormSet = forms.formset_factory(LineForm, extra=1, can_delete=True)
