"""Task forms: the filter of the list, and create/edit (links to a customer, opportunity, lead or agreement come
prefilled from the page the task is created on — ``?customer=`` etc. — so no form lists a whole table)."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.contracts.models import Agreement
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.org import access
from salesflow.org.models import User
from salesflow.pipeline.models import Opportunity

from ..models import Task

LINK_MODELS = {"customer": Customer, "opportunity": Opportunity, "lead": Lead, "agreement": Agreement}


def owner_choices_queryset(user):
    """The people whose tasks ``user`` may list: those in scope (a rep: themself)."""
    return access.users_in_scope(user).order_by("username")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Assignee"), queryset=None, empty_label=None)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Task.Priority.choices, coerce=int,
                                      initial=Task.Priority.NORMAL)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    due_time = forms.TimeField(label=_("Due time"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               help_text=_("Empty: end of the working day (18:00)."))
    notes = forms.CharField(label=pgettext_lazy("task", "Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    customer = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    opportunity = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    lead = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    agreement = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    END_OF_DAY = datetime.time(18, 0)

    def __init__(self, *args, user, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A rep assigns only to themself; a manager to the people they oversee (access.assignable_users) and
        # themself; an edit keeps the current assignee in the list.
        wanted = Q(pk__in=access.assignable_users(user).values("pk")) | Q(pk=user.pk)
        if task is not None:
            wanted |= Q(pk=task.owner_id)
        self.fields["owner"].queryset = User.objects.filter(wanted).order_by("username")
        self.fields["owner"].label_from_instance = str
        for name, model in LINK_MODELS.items():
            self.fields[name].queryset = model.objects.visible_to(user)

    def links(self) -> dict:
        """The linked records chosen (or prefilled), for showing them on the form."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        found = {}
        for name in LINK_MODELS:
            value = data.get(name) if data else self.initial.get(name)
            if value is not None and not isinstance(value, LINK_MODELS[name]):
                value = self.fields[name].queryset.filter(pk=value).first() if str(value).isdigit() else None
            if value is not None:
                found[name] = value
        return found

    def task_data(self) -> dict:
        """The service's ``data`` (without owner and version)."""
        data = self.cleaned_data
        due = timezone.make_aware(datetime.datetime.combine(data["due_date"], data["due_time"] or self.END_OF_DAY))
        return {"title": data["title"], "notes": data["notes"], "priority": data["priority"], "due_at": due,
                **{name: data[name] for name in LINK_MODELS}}

    @classmethod
    def initial_for(cls, task: Task) -> dict:
        local = timezone.localtime(task.due_at)
        return {"title": task.title, "owner": task.owner_id, "priority": task.priority, "due_date": local.date(),
                "due_time": local.time().replace(second=0, microsecond=0), "notes": task.notes,
                "customer": task.customer_id, "opportunity": task.opportunity_id, "lead": task.lead_id,
                "agreement": task.agreement_id, "version": task.version}
