"""What a dashboard shows: a period and, optionally, a team (its whole subtree), a region (its subtree) and a
product series, always within what the viewer may see. The page's form, the API and the CLI build it the same way."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from salesflow.catalog.models import Product
from salesflow.core.periods import Period, parse_period, period_of
from salesflow.org import access
from salesflow.org.models import Region, Team

PERIOD_KINDS = ("year", "quarter", "month", "week")


@dataclass
class Scope:
    user: object
    period: Period
    team: Team | None = None
    region: Region | None = None
    series: str = ""
    today: datetime.date = field(default_factory=timezone.localdate)

    @cached_property
    def owners(self) -> list[int] | None:
        """The people of the chosen team (its whole subtree) whom the viewer oversees; None when no team is chosen —
        then what the viewer may see (``visible_to``) is the only limit, which also keeps the records of people who
        have left in the company's figures."""
        if self.team is None:
            return None
        people = access.users_in_scope(self.user).filter(team__in=self.team.subtree())
        return list(people.values_list("pk", flat=True))

    @cached_property
    def region_ids(self) -> list[int] | None:
        return None if self.region is None else list(self.region.subtree().values_list("pk", flat=True))

    @cached_property
    def tree(self):
        """The organisation tree, loaded once for every target panel of the page."""
        from salesflow.performance.targets.tree import OrgTree

        return OrgTree.load()

    @cached_property
    def pipeline(self):
        from salesflow.pipeline.models import Pipeline

        return Pipeline.default()

    def query(self, **extra) -> str:
        """The query string that reproduces this scope (plus ``extra``), for the links to the records."""
        from urllib.parse import urlencode

        params = {"period": self.period.label, "team": self.team.pk if self.team else "",
                  "region": self.region.pk if self.region else "", "series": self.series, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})

    def as_dict(self) -> dict:
        return {"period": self.period.label, "team": self.team.pk if self.team else None,
                "region": self.region.pk if self.region else None, "series": self.series or None}


def default_period(today: datetime.date | None = None) -> Period:
    return period_of("quarter", today or timezone.localdate())


class ScopeForm(forms.Form):
    period = forms.CharField(label=_("Period"), required=False, max_length=10,
                             help_text=_("2026, 2026-Q3, 2026-07 or 2026-W05"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("path"), required=False)
    series = forms.ChoiceField(label=_("Product series"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = visible_teams(user)
        series = Product.objects.exclude(series="").order_by("series").values_list("series", flat=True).distinct()
        self.fields["series"].choices = [("", "—"), *((s, s) for s in series)]

    def clean_period(self):
        value = self.cleaned_data["period"].strip()
        if not value:
            return default_period()
        try:
            return parse_period(value)
        except ValueError:
            raise ValidationError(_("Not a period: use 2026, 2026-Q3, 2026-07 or 2026-W05."), code="period") from None

    def scope(self) -> Scope:
        """The scope the valid form describes (call after ``is_valid()``)."""
        data = self.cleaned_data
        return Scope(self.user, data["period"], data.get("team"), data.get("region"), data.get("series") or "")


def visible_teams(user):
    """The teams a viewer may filter by: every team for scope "all", their own subtree for scope "team"."""
    scope = access.effective_scope(user)
    if scope == "all":
        return Team.objects.order_by("path")
    if scope == "team":
        return Team.objects.filter(pk__in=access.team_subtree_ids(user)).order_by("path")
    return Team.objects.none()


def scope_from(user, params: dict) -> Scope:
    """Parse ``params`` (a query dict or plain dict) into a Scope; raises ValidationError naming the field."""
    form = ScopeForm({k: v for k, v in params.items() if v not in (None, "")}, user=user)
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.scope()
