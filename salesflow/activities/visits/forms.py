"""Forms of the visit pages. They parse and display; the rules are in :mod:`.services`."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.core.widgets import use_fast_selects
from salesflow.customers.models import Contact
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

from ..models import VisitPlan

DATE = {"type": "date"}  # with format="%Y-%m-%d": a date input only takes ISO dates


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: on the field it names when the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, messages)


class PlanForm(forms.ModelForm):
    """Plan or edit a visit. The customer is fixed by the page (chosen first); a manager picks whose plan it is."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    owner = forms.ModelChoiceField(label=_("Rep"), queryset=None, required=False)

    class Meta:
        model = VisitPlan
        fields = ["planned_on", "planned_time", "objective", "commitment_sought", "opportunity", "contacts"]
        widgets = {"planned_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "planned_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "contacts": forms.CheckboxSelectMultiple}
        help_texts = {"commitment_sought": _("The next step the customer should agree to at this visit.")}

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = Contact.objects.filter(customer=customer).order_by("-is_primary", "name")
        self.fields["opportunity"].queryset = (Opportunity.objects.visible_to(user).filter(customer=customer)
                                               .order_by("-created_at"))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["owner"]
        else:
            self.fields["planned_on"].initial = timezone.localdate()
            people = access.assignable_users(user)
            if people.exclude(pk=user.pk).exists():
                self.fields["owner"].queryset = people
                self.fields["owner"].initial = user.pk
                self.fields["owner"].label_from_instance = str
            else:
                del self.fields["owner"]
        use_fast_selects(self)

    def plan_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "owner", "contacts")}


YES_NO = [("", "—"), ("yes", pgettext_lazy("commitment obtained", "Yes")),
          ("no", pgettext_lazy("commitment obtained", "No"))]


class RecordForm(forms.Form):
    """What came of a visit. Checking in first is not required."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    commitment_obtained = forms.ChoiceField(label=_("Commitment obtained"), choices=YES_NO, required=False)
    contact = forms.ModelChoiceField(label=_("Contact met"), queryset=None, required=False, empty_label="—")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_contact_on = forms.DateField(label=_("Next contact on"), required=False,
                                      widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    next_kind = forms.ChoiceField(label=_("Next contact as"), initial="visit",
                                  widget=forms.RadioSelect(attrs={"class": "choice-row"}),
                                  choices=[("visit", _("a visit plan")), ("task", _("a task"))])

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = plan.version
        self.fields["contact"].queryset = Contact.objects.filter(customer_id=plan.customer_id).order_by("name")
        self.fields["contact"].label_from_instance = lambda c: c.name
        use_fast_selects(self)

    def record_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["commitment_obtained"] = {"yes": True, "no": False}.get(data["commitment_obtained"])
        if data["contact"] is None:
            data.pop("contact")
        return data


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class PlanFilterForm(forms.Form):
    """Day or week; a manager picks one rep or the whole team (the people of ``access.users_in_scope``)."""

    view = forms.ChoiceField(label=_("View"), required=False, choices=[("week", _("Week")), ("day", _("Day"))])
    day = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    owner = forms.ModelChoiceField(label=_("Rep"), queryset=None, required=False,
                                   empty_label=pgettext_lazy("whole team", "Whole team"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *VisitPlan.Status.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.users_in_scope(user).order_by("username")
        self.fields["owner"].label_from_instance = str
        self.many_people = user.is_manager_or_above
        use_fast_selects(self)

    def span(self) -> tuple[str, datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        day = data.get("day") or timezone.localdate()
        if data.get("view") == "day":
            return "day", day, day
        monday = day - datetime.timedelta(days=day.weekday())
        return "week", monday, monday + datetime.timedelta(days=6)
