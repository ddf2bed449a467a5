"""The filters every analysis takes (a team, a period), and the customers a person may analyse."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.periods import parse_period
from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import Role, Team

ANALYSTS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
# Finance analyses the money side, built on what org.access lets finance read (customers, agreements): churn, RFM,
# the product portfolio, customer structure and lifetime value. Lead sources stay closed to finance: leads and the
# pipeline are not finance's business (org.access), so that page would only ever be empty.
FINANCE_ANALYSES = frozenset({"churn", "rfm", "bcg", "customer-structure", "ltv"})


def may_analyse(user, analysis: str | None = None) -> bool:
    """May ``user`` open ``analysis`` (its report name, e.g. "rfm")? ``None``: any analysis at all (the menu entry).
    The one rule for the pages, the API, ``salesflow report --user`` and the menu."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role in ANALYSTS:
        return True
    return access.is_finance(user) and (analysis is None or analysis in FINANCE_ANALYSES)


def require_analyst(user, analysis: str | None = None) -> None:
    """Refuse (403) unless ``user`` may open ``analysis``; ``user`` None is the CLI without --user (all data)."""
    if user is not None and not may_analyse(user, analysis):
        raise PermissionDenied(_("Your role does not allow this."))


class AnalysisFilter(forms.Form):
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=Team.objects.order_by("path"), required=False)
    period = forms.CharField(label=gettext_lazy("Period"), required=False, max_length=10,
                             help_text=gettext_lazy("2026, 2026-Q3 or 2026-07"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].label_from_instance = lambda node: node.indented_name

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        if not text:
            return None
        try:
            return parse_period(text)
        except ValueError:
            raise forms.ValidationError(_("Period: write 2026, 2026-Q3, 2026-07 or 2026-W05.")) from None


def parse_filters(data: dict) -> tuple[Team | None, object]:
    """(team, period) from request or CLI values; a bad value raises ValueError naming the field."""
    form = AnalysisFilter({k: v for k, v in data.items() if v not in (None, "")})
    if not form.is_valid():
        raise ValueError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return form.cleaned_data["team"], form.cleaned_data["period"]


def team_named(ref: str | None) -> int | None:
    """The id of the team ``salesflow report NAME --team REF`` names: a team's name (as the targets import and the
    leaderboard's ``team:NAME`` name teams) or its id. ValueError naming ``ref`` when no team, or several, bear it."""
    if not ref:
        return None
    teams = Team.ids_named(ref)
    if len(teams) > 1:
        raise ValueError(f"--team {ref!r} is ambiguous: several teams bear that name; use its id")
    if not teams:
        raise ValueError(f"unknown team {ref!r} (--team): use a team's name or id")
    return teams[0]


def scoped_customers(user, team=None):
    """The customers ``user`` may read (all when computed without a user, as the CLI does), in ``team``'s subtree."""
    customers = Customer.objects.visible_to(user) if user is not None else Customer.objects.all()
    if team is not None:
        customers = customers.filter(team__in=team.subtree().values("id"))
    return customers


def scope_of(user, queryset):
    return queryset.visible_to(user) if user is not None else queryset

