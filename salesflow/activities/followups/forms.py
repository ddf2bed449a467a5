"""Forms of the follow-up pages: the list's filters and the record / edit form (designed for a 375 px phone)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.customers.models import Contact
from salesflow.org import access
from salesflow.org.models import User
from salesflow.pipeline.models import Opportunity

from ..models import Activity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class KindButtons(forms.RadioSelect):
    """The follow-up types as large tap targets (radios styled as buttons; they work without JS)."""

    template_name = "activities/followups/kind_buttons.html"


class FollowupFilterForm(forms.Form):
    q = forms.CharField(label=_("Customer"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *Activity.Kind.choices], required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    customer = forms.IntegerField(label=_("Customer"), required=False, widget=forms.HiddenInput, min_value=1)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.users_in_scope(user).order_by("username")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def apply(self, activities):
        """The rows matching the filters (none when the filters are invalid)."""
        if not self.is_valid():
            return activities.none()
        data = self.cleaned_data
        if data["q"].strip():
            activities = activities.filter(customer__name__icontains=data["q"].strip())
        if data["kind"]:
            activities = activities.filter(kind=data["kind"])
        if data["owner"]:
            activities = activities.filter(owner=data["owner"])
        if data["customer"]:
            activities = activities.filter(customer_id=data["customer"])
        if data["date_from"]:
            activities = activities.filter(occurred_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            activities = activities.filter(occurred_at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
        return activities


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ActivityForm(forms.ModelForm):
    """What a rep types. The customer / lead / agreement come from the page the rep started on (checked by the
    view and again by the service); the contact and opportunity pickers list only that customer's records."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False,
                                   help_text=_("Record it for someone in your team (default: yourself)."))

    class Meta:
        model = Activity
        fields = ["kind", "subject", "occurred_at", "contact", "opportunity", "notes", "outcome",
                  "commitment_obtained", "next_step", "next_contact_on"]
        widgets = {
            "kind": KindButtons, "occurred_at": DATETIME, "next_contact_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 4}), "outcome": forms.Textarea(attrs={"rows": 2}),
            "commitment_obtained": forms.NullBooleanSelect,
        }

    def __init__(self, *args, user, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Activity.Kind.choices  # no empty choice: one tap picks the type
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.fields["subject"].widget.attrs.update({"autocomplete": "off"})
        if not self.instance.pk:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        if customer is not None:
            self.fields["contact"].queryset = Contact.objects.filter(customer=customer).order_by("-is_primary",
                                                                                                   "name")
            self.fields["opportunity"].queryset = (Opportunity.objects.visible_to(user).filter(customer=customer)
                                                   .order_by("-created_at"))
            # The customer is named above the form: the pickers show the contact's name and title, the deal's name.
            self.fields["contact"].label_from_instance = lambda c: f"{c.name} · {c.title}" if c.title else c.name
            self.fields["opportunity"].label_from_instance = lambda o: o.subject
        else:
            del self.fields["contact"]
            del self.fields["opportunity"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["owner"]
            if self.instance.kind != Activity.Kind.VISIT:
                del self.fields["outcome"]
                del self.fields["commitment_obtained"]
        else:
            # Outcome and commitment belong to visit records (recorded from the visit plan).
            del self.fields["outcome"]
            del self.fields["commitment_obtained"]
            if user.is_manager_or_above:
                self.fields["owner"].queryset = access.assignable_users(user)
            else:
                del self.fields["owner"]

    def _post_clean(self):
        # The service validates the model (links, visibility, time); the form checks only its own fields.
        pass

    def activity_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
