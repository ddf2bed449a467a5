"""The "generate now" form, the subscription form (administrators) and the review document forms."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.api_schemas import NO_NUL
from salesflow.core.concurrency import VersionedModelForm
from salesflow.org.models import Team

from ..models import ReportSubscription, ReviewDocument
from ..models.reports import ReportFormat, ReportKind, ReportLanguage
from .data import may_report_on_company, report_teams

no_nul = RegexValidator(NO_NUL, gettext_lazy("This text contains a character that cannot be stored."))


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportKind.choices)
    period = forms.CharField(label=gettext_lazy("Period"), required=False, max_length=10, validators=[no_nul],
                             help_text=gettext_lazy("2026-W47, 2026-10 or 2026-Q3; empty: the last whole one."))
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=Team.objects.none(), required=False)
    lang = forms.ChoiceField(label=gettext_lazy("Language"), choices=ReportLanguage.choices)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ReportFormat.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = report_teams(user)
        self.fields["team"].empty_label = _("Company") if may_report_on_company(user) else None
        self.fields["team"].required = not may_report_on_company(user)


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = ReportSubscription
        fields = ["kind", "team", "lang", "format", "channel", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("path")
        self.fields["team"].empty_label = _("Company")


class ReviewCreateForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Period"), max_length=10, validators=[no_nul],
                             help_text=gettext_lazy("A quarter (2026-Q3) or a year (2026)."))
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = report_teams(user)
        self.fields["team"].empty_label = _("Company") if may_report_on_company(user) else None
        self.fields["team"].required = not may_report_on_company(user)


class ReviewForm(VersionedModelForm):
    class Meta:
        model = ReviewDocument
        fields = ["results", "causes", "lessons", "improvements", "status"]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in ("results", "causes", "lessons",
                                                                         "improvements")}
