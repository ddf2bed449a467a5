"""The filter of the statistics page: a period (week, month, quarter, year) or a custom range, rep or team rows,
one rep. It parses and shows errors; the rules live in selectors.period_range."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.periods import period_choices, period_of
from salesflow.core.widgets import FastSelect
from salesflow.org import access

from .selectors import period_range

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def week_choices(today: datetime.date, weeks: int = 8) -> list[tuple[str, str]]:
    """This week and the ``weeks - 1`` before it, newest first."""
    this = period_of("week", today)
    found = [period_of("week", this.start - datetime.timedelta(weeks=n)) for n in range(weeks)]
    return [(p.label, f"{p.display} ({p.start:%m-%d}–{p.end:%m-%d})") for p in found]


class StatsFilterForm(forms.Form):
    BY = [("owner", _("By rep")), ("team", _("By team"))]
    period = forms.CharField(label=_("Period"), required=False, max_length=10)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    by = forms.ChoiceField(label=_("Rows"), choices=BY, required=False)
    owner = forms.ModelChoiceField(label=_("Rep"), queryset=None, required=False, widget=FastSelect,
                                   empty_label=_("Everyone"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        selected = str(self.data.get("period", "")) if self.is_bound else ""
        weeks = week_choices(today)
        offered = selected if selected not in {label for label, _text in weeks} else ""
        groups = [(_("Weeks"), weeks), *period_choices(today, offered)]
        self.fields["period"].widget = forms.Select(choices=groups)
        self.fields["period"].initial = period_of("month", today).label
        self.fields["owner"].queryset = (access.users_in_scope(user).order_by("team__path", "username")
                                        .only("username", "first_name", "last_name", "display_name"))
        self.fields["owner"].label_from_instance = str
        if not getattr(user, "is_manager_or_above", False):
            del self.fields["owner"]  # a rep's statistics are their own row

    def clean(self):
        data = super().clean()
        try:
            data["range"] = period_range(data.get("period"), data.get("start"), data.get("end"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data

    def values(self) -> dict:
        """start, end, label, by and owner_ids of a valid form (this month by rep otherwise)."""
        if self.is_bound and self.is_valid():
            start, end, label = self.cleaned_data["range"]
            owner = self.cleaned_data.get("owner")
            return {"start": start, "end": end, "label": label, "by": self.cleaned_data["by"] or "owner",
                    "owner_ids": [owner.pk] if owner else None}
        start, end, label = period_range()
        return {"start": start, "end": end, "label": label, "by": "owner", "owner_ids": None}
