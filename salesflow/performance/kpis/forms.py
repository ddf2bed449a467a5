"""Forms of the KPI pages: a role's scorecard (one row per KPI), the page filters, a value entered by hand."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from salesflow.org import access
from salesflow.org.models import Team

from ..models import Kpi, Scorecard


class ScorecardForm(forms.Form):
    """One row per active KPI: a weight (blank = not on the scorecard), a target, or "the approved target"."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kpis, card: Scorecard | None, **kwargs):
        super().__init__(*args, **kwargs)
        items = {i.kpi_id: i for i in card.items.all()} if card else {}
        if card is not None:
            self.fields["version"].initial = card.version
        self.rows = []
        for kpi in kpis:
            item = items.get(kpi.pk)
            weight = forms.DecimalField(label=_("Weight"), required=False, min_value=Decimal("0.01"),
                                        max_value=Decimal(100), decimal_places=2,
                                        initial=item.weight if item else None)
            target = forms.DecimalField(label=_("target"), required=False, decimal_places=2,
                                        initial=item.target if item else None)
            self.fields[f"weight_{kpi.key}"], self.fields[f"target_{kpi.key}"] = weight, target
            approved = None
            if kpi.formula == Kpi.Formula.VS_TARGET:
                approved = forms.BooleanField(label=_("use the approved target"), required=False,
                                              initial=item.approved_target if item else False)
                self.fields[f"approved_{kpi.key}"] = approved
            self.rows.append(kpi)

    def bound_rows(self):
        for kpi in self.rows:
            yield {"kpi": kpi, "weight": self[f"weight_{kpi.key}"], "target": self[f"target_{kpi.key}"],
                   "approved": self[f"approved_{kpi.key}"] if f"approved_{kpi.key}" in self.fields else None}

    def items(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kpi": kpi, "weight": data[f"weight_{kpi.key}"], "target": data[f"target_{kpi.key}"],
                 "approved_target": bool(data.get(f"approved_{kpi.key}"))}
                for kpi in self.rows if data.get(f"weight_{kpi.key}") is not None]


class ManualValueForm(forms.Form):
    kpi = forms.ModelChoiceField(label=_("KPI"), queryset=Kpi.objects.filter(formula=Kpi.Formula.MANUAL,
                                                                            active=True))
    period = forms.CharField(label=_("period"), max_length=10, help_text=_("e.g. 2026-11 or 2026-Q4"))
    user = forms.ModelChoiceField(label=_("person"), queryset=None, required=False)
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none(), required=False)
    value = forms.DecimalField(label=_("value"), max_digits=18, decimal_places=2)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.users_in_scope(actor).order_by("username")
        teams = Team.objects.all() if access.effective_scope(actor) == "all" else Team.objects.filter(
            pk__in=access.team_subtree_ids(actor))
        self.fields["team"].queryset = teams.order_by("path")
