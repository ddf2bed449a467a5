"""Admin pages: the approval rules (kind, threshold, flag) and their ordered steps."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesflow.core.concurrency import VersionedModelForm
from salesflow.org import access
from salesflow.org.models import Role

from .models import ApprovalRule, ApprovalRuleStep, ApproverRole


class RuleForm(VersionedModelForm):
    class Meta:
        model = ApprovalRule
        fields = ["name", "kind", "min_amount", "flag", "active"]


class StepForm(forms.ModelForm):
    class Meta:
        model = ApprovalRuleStep
        fields = ["position", "role", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = self.fields["user"].queryset.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == ApproverRole.USER and not cleaned.get("user"):
            self.add_error("user", _("Choose the user who approves this step."))
        return cleaned


class BaseStepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise forms.ValidationError(_("A rule needs at least one step."))


StepFormSet = forms.inlineformset_factory(ApprovalRule, ApprovalRuleStep, form=StepForm, formset=BaseStepFormSet,
                                          extra=1, can_delete=True)


@login_required
def rule_list(request):
    access.require_role(request.user, Role.ADMIN)
    rules = ApprovalRule.objects.prefetch_related("steps__user")
    return render(request, "approvals/rules.html", {"rules": rules})


@login_required
def rule_edit(request, pk=None):
    access.require_role(request.user, Role.ADMIN)
    rule = get_object_or_404(ApprovalRule, pk=pk) if pk else ApprovalRule()
    form = RuleForm(request.POST or None, instance=rule)
    steps = StepFormSet(request.POST or None, instance=rule, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        with transaction.atomic():
            saved = form.save()
            steps.instance = saved
            steps.save()
        messages.success(request, _("Approval rule saved."))
        return redirect("approvals:rules")
    return render(request, "approvals/rule_form.html", {"form": form, "steps": steps, "object": rule},
                  status=400 if request.method == "POST" else 200)
