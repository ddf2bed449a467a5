"""Admin pages: pipelines and their 3–7 stages (win rate, key actions, required fields), reasons, competitors.
(The product catalogue's page lives in ``salesflow.catalog``.)"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.org import access
from salesflow.org.models import Role

from .models import Competitor, Pipeline, Reason, Stage

REQUIRED_FIELD_CHOICES = [("amount", gettext_lazy("amount")), ("next_step", gettext_lazy("next step")),
                          ("category", gettext_lazy("category")), ("source", gettext_lazy("source"))]


class StageForm(forms.ModelForm):
    key_actions_text = forms.CharField(label=gettext_lazy("key actions (one per line)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    required_fields = forms.MultipleChoiceField(label=gettext_lazy("required fields"), required=False,
                                                choices=REQUIRED_FIELD_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Stage
        fields = ["name", "order", "win_rate", "required_fields"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_actions_text"].initial = "\n".join(self.instance.key_actions or [])

    def save(self, commit=True):
        self.instance.key_actions = [line.strip() for line in self.cleaned_data["key_actions_text"].splitlines()
                                     if line.strip()]
        return super().save(commit=commit)


class BaseStageFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not 3 <= len(kept) <= 7:
            raise forms.ValidationError(_("A pipeline has 3 to 7 stages."))
        orders = [f.cleaned_data["order"] for f in kept]
        if len(set(orders)) != len(orders):
            raise forms.ValidationError(_("Each stage needs its own order number."))


StageFormSet = forms.inlineformset_factory(Pipeline, Stage, form=StageForm, formset=BaseStageFormSet, extra=1,
                                           can_delete=True)
ReasonFormSet = forms.modelformset_factory(Reason, fields=["kind", "name", "active"], extra=2)
CompetitorFormSet = forms.modelformset_factory(Competitor, fields=["name"], extra=2, can_delete=True)


@login_required
def pipeline_settings(request):
    access.require_role(request.user, Role.ADMIN)
    data = request.POST or None
    reasons = ReasonFormSet(data, prefix="reasons", queryset=Reason.objects.all())
    competitors = CompetitorFormSet(data, prefix="competitors", queryset=Competitor.objects.all())
    if request.method == "POST" and reasons.is_valid() and competitors.is_valid():
        reasons.save()
        competitors.save()
        messages.success(request, _("Settings saved."))
        return redirect("pipeline:settings")
    return render(request, "pipeline/settings.html", {"pipelines": Pipeline.objects.prefetch_related("stages"),
                                                      "reasons": reasons, "competitors": competitors},
                  status=400 if request.method == "POST" else 200)


class PipelineForm(forms.ModelForm):
    class Meta:
        model = Pipeline
        fields = ["name", "is_default", "active"]


@login_required
def pipeline_edit(request, pk=None):
    access.require_role(request.user, Role.ADMIN)
    pipeline = get_object_or_404(Pipeline, pk=pk) if pk else Pipeline()
    form = PipelineForm(request.POST or None, instance=pipeline)
    stages = StageFormSet(request.POST or None, instance=pipeline, prefix="stages")
    if request.method == "POST" and form.is_valid() and stages.is_valid():
        with transaction.atomic():
            saved = form.save()
            if saved.is_default:
                Pipeline.objects.exclude(pk=saved.pk).update(is_default=False)
            stages.instance = saved
            stages.save()
        messages.success(request, _("Pipeline saved."))
        return redirect("pipeline:settings")
    return render(request, "pipeline/pipeline_form.html", {"form": form, "stages": stages, "object": pipeline},
                  status=400 if request.method == "POST" else 200)

