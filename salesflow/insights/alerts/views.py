"""The alert centre (everyone: the alerts they may see) and the alert rules (administrators)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import VersionedModelForm
from salesflow.core.paging import page_of
from salesflow.org.models import Role

from ..models import Alert, AlertRule
from ..models.alerts import Level
from . import services
from .metrics import METRICS


@login_required
def alert_list(request):
    alerts = Alert.objects.for_user(request.user).select_related("rule", "owner")
    status = request.GET.get("status", "open")
    if status == "open":
        alerts = alerts.open()
    elif status in Alert.Status.values:
        alerts = alerts.filter(status=status)
    level = request.GET.get("level", "")
    if level in (Level.YELLOW, Level.RED):
        alerts = alerts.filter(level=level)
    page, query_string = page_of(request, alerts.order_by("-level", "-raised_at", "-id"))
    return render(request, "insights/alerts/list.html", {
        "page": page, "query_string": query_string, "status": status, "level": level,
        "statuses": [("open", _("Open")), *Alert.Status.choices]})


def _visible_alert(request, pk):
    return get_object_or_404(Alert.objects.for_user(request.user).select_related("rule", "owner", "team",
                                                                                 "escalated_to"), pk=pk)


@login_required
def alert_detail(request, pk):
    alert = _visible_alert(request, pk)
    return render(request, "insights/alerts/detail.html", {
        "alert": alert, "events": alert.events.select_related("by")})


@login_required
@require_POST
def alert_act(request, pk, action):
    alert = _visible_alert(request, pk)
    act = services.acknowledge if action == "acknowledge" else services.resolve
    try:
        act(alert, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    return redirect("insights:alert", pk=alert.pk)


class RuleForm(VersionedModelForm):
    roles = forms.MultipleChoiceField(label=_("Owners' roles"), required=False, choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AlertRule
        fields = ["name", "active", "yellow_at", "red_at", "every_minutes", "escalate_after_days", "teams", "roles",
                  "channels"]
        widgets = {"teams": forms.CheckboxSelectMultiple, "channels": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        yellow, red = cleaned.get("yellow_at"), cleaned.get("red_at")
        if yellow is not None and red is not None and red < yellow:
            self.add_error("red_at", _("Red starts at or beyond yellow."))
        if cleaned.get("every_minutes") is not None and cleaned["every_minutes"] < 5:
            self.add_error("every_minutes", _("Evaluate at most every 5 minutes."))
        return cleaned


@login_required
def rule_list(request):
    services.require_may_manage_rules(request.user)
    rules = AlertRule.objects.prefetch_related("channels")
    return render(request, "insights/alerts/rules.html", {"rules": rules, "metrics": METRICS})


@login_required
def rule_edit(request, pk):
    services.require_may_manage_rules(request.user)
    rule = get_object_or_404(AlertRule, pk=pk)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rule saved."))
        return redirect("insights:alert-rules")
    return render(request, "insights/alerts/rule_form.html", {"form": form, "rule": rule,
                                                              "metric": METRICS.get(rule.metric)},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def rule_evaluate(request, pk):
    services.require_may_manage_rules(request.user)
    rule = get_object_or_404(AlertRule, pk=pk)
    result = services.evaluate_rule(rule)
    messages.success(request, _("Evaluated: %(raised)s raised, %(cleared)s cleared, %(open)s open.") % result)
    return redirect("insights:alert-rules")
