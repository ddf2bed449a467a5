"""Admin page for the lead domain's managed lists: sources, assignment rules, reminder delay."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesflow.org import access
from salesflow.org.models import Region, Role, User

from .models import LeadAssignmentRule, LeadSettings, LeadSource

SourceFormSet = forms.modelformset_factory(LeadSource, fields=["name", "channel", "active"], extra=2)


class RuleForm(forms.ModelForm):
    class Meta:
        model = LeadAssignmentRule
        fields = ["name", "order", "region", "reps", "active"]
        widgets = {"reps": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("path")
        self.fields["region"].label_from_instance = lambda r: r.indented_name
        self.fields["reps"].queryset = User.objects.filter(is_active=True, role=Role.REP).order_by("username")


RuleFormSet = forms.modelformset_factory(LeadAssignmentRule, form=RuleForm, extra=1, can_delete=True)


class ReminderForm(forms.ModelForm):
    class Meta:
        model = LeadSettings
        fields = ["untouched_days"]


@login_required
def lead_settings(request):
    access.require_role(request.user, Role.ADMIN)
    data = request.POST or None
    sources = SourceFormSet(data, prefix="sources", queryset=LeadSource.objects.all())
    rules = RuleFormSet(data, prefix="rules", queryset=LeadAssignmentRule.objects.all())
    reminder = ReminderForm(data, prefix="reminder", instance=LeadSettings.current())
    if request.method == "POST" and sources.is_valid() and rules.is_valid() and reminder.is_valid():
        sources.save()
        rules.save()
        reminder.save()
        messages.success(request, _("Settings saved."))
        return redirect("leads:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "leads/settings.html", {"sources": sources, "rules": rules, "reminder": reminder},
                  status=status)
