import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from salesflow.core.concurrency import VersionedModelForm
from salesflow.core.widgets import use_fast_selects
from salesflow.org.models import Region, User

from .models import Lead, LeadSource


class LeadForm(VersionedModelForm):
    class Meta:
        model = Lead
        fields = ["company", "contact_name", "title", "phone", "email", "wechat", "region", "industry", "source",
                  "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("path")
        self.fields["region"].label_from_instance = lambda r: r.indented_name
        self.fields["source"].queryset = LeadSource.objects.filter(active=True)


QUALIFIED_OR_CONVERTED = "qualified_or_converted"  # a status filter value: Lead.objects.qualified()


class LeadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[
        ("", "—"), *Lead.Status.choices, (QUALIFIED_OR_CONVERTED, _("Qualified or converted"))], required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *LeadSource.Channel.choices], required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=LeadSource.objects.all(), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("Created to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_fast_selects(self)

    def apply(self, leads):
        if not self.is_valid():
            return leads.none()
        data = self.cleaned_data
        leads = leads.search(data["q"].strip())
        if data["status"] == QUALIFIED_OR_CONVERTED:
            leads = leads.qualified()
        elif data["status"]:
            leads = leads.filter(status=data["status"])
        for field in ("source", "owner"):
            if data[field]:
                leads = leads.filter(**{field: data[field]})
        if data["channel"]:
            leads = leads.filter(source__channel=data["channel"])
        if data["created_from"]:
            leads = leads.filter(created_at__date__gte=data["created_from"])
        if data["created_to"]:
            leads = leads.filter(created_at__date__lte=data["created_to"])
        return leads


class ConvertForm(forms.Form):
    customer = forms.IntegerField(label=_("Link to existing customer (ID)"), required=False)
    lifecycle = _("A new, contacted or qualified lead can be converted; reopen a disqualified lead first.")
    create_opportunity = forms.BooleanField(label=_("Create an opportunity"), required=False, initial=True)
    opportunity_subject = forms.CharField(label=_("Opportunity subject"), required=False, max_length=200)
    amount = forms.DecimalField(label=_("Expected amount"), required=False, min_value=0, max_digits=16,
                                decimal_places=2)
    expected_close_date = forms.DateField(label=_("Expected close date"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))


MIN_FILL_SECONDS = 3


class InboundLeadForm(forms.Form):
    """The public web form. Spam protection: a hidden honeypot field and a signed start time."""

    company = forms.CharField(label=_("Company"), max_length=200)
    contact_name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    notes = forms.CharField(label=_("What do you need?"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            max_length=2000)
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.dumps(time.time(), salt="inbound-lead")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("Your submission looks automated and was not accepted."))
        try:
            started = signing.loads(cleaned.get("started", ""), salt="inbound-lead", max_age=86400)
        except signing.BadSignature:
            raise forms.ValidationError(_("The form expired. Please reload the page and try again.")) from None
        if time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(_("Your submission looks automated and was not accepted."))
        return cleaned
