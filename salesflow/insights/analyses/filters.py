"""The filters every analysis takes (a team, a period), and the customers a person may analyse."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.periods import parse_period
from salesflow.customers.models import Customer
from salesflow.org.models import Role, Team

ANALYSTS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


def may_analyse(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in ANALYSTS))


def require_analyst(user) -> None:
    if user is not None and not may_analyse(user):
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


def scoped_customers(user, team=None):
    """The customers ``user`` may read (all when computed without a user, as the CLI does), in ``team``'s subtree."""
    customers = Customer.objects.visible_to(user) if user is not None else Customer.objects.all()
    if team is not None:
        customers = customers.filter(team__in=team.subtree().values("id"))
    return customers


def scope_of(user, queryset):
    return queryset.visible_to(user) if user is not None else queryset

