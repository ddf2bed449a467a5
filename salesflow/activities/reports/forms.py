"""Forms of the work report pages: the author's text (labelled per kind), comments, the list filters, the team
summary's period, and the admin's deadlines."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.org import access

from ..models import ReportSettings, WorkReport
from .services import REPORTING_ROLES, report_period

K = WorkReport.Kind
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The four text fields as each kind of report calls them.
TEXT_LABELS = {
    K.DAILY: {"summary": _("Today's summary"), "problems": _("Problems"), "help_needed": _("Support needed"),
              "plan": _("Tomorrow's plan")},
    K.WEEKLY: {"summary": _("This week's summary"), "problems": _("Problems"), "help_needed": _("Support needed"),
               "plan": _("Next week's plan")},
    K.MONTHLY: {"summary": _("This month's summary"), "problems": _("Problems"), "help_needed": _("Support needed"),
                "plan": _("Key points for next month")},
}


def text_sections(report: WorkReport) -> list[tuple[str, str]]:
    """(label, text) of the four fields, as the report's kind names them."""
    labels = TEXT_LABELS[report.kind]
    return [(labels[field], getattr(report, field)) for field in ("summary", "problems", "help_needed", "plan")]


class ReportTextForm(forms.Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000)
    problems = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)
    help_needed = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)
    plan = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report: WorkReport, **kwargs):
        kwargs.setdefault("initial", {"summary": report.summary, "problems": report.problems,
                                      "help_needed": report.help_needed, "plan": report.plan,
                                      "version": report.version})
        super().__init__(*args, **kwargs)
        for field, label in TEXT_LABELS[report.kind].items():
            self.fields[field].label = label

    def text(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("summary", "problems", "help_needed", "plan")}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *K.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *WorkReport.Status.choices], required=False)
    owner = forms.ModelChoiceField(label=_("Author"), queryset=None, required=False)
    day = forms.DateField(label=_("Date"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (access.users_in_scope(user).filter(role__in=REPORTING_ROLES)
                                         .order_by("display_name", "username"))

    def apply(self, reports):
        if not self.is_valid():
            return reports.none()
        data = self.cleaned_data
        if data["kind"]:
            reports = reports.filter(kind=data["kind"])
        if data["status"]:
            reports = reports.filter(status=data["status"])
        if data["owner"]:
            reports = reports.filter(owner=data["owner"])
        if data["day"]:
            reports = reports.filter(period_start__lte=data["day"], period_end__gte=data["day"])
        return reports


class PeriodForm(forms.Form):
    """A kind of report and a day: the period the team summary and the "not submitted" list are about."""

    kind = forms.ChoiceField(label=_("Kind"), choices=K.choices, required=False)
    day = forms.DateField(label=_("Date"), required=False, widget=DATE)
    missing = forms.BooleanField(label=_("Only those who have not submitted"), required=False)

    def period(self):
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("kind") or K.DAILY
        day = data.get("day") or timezone.localdate()
        start, end = report_period(kind, day)
        return kind, day, start, end


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["daily_due_time", "weekly_due_weekday", "weekly_due_time", "monthly_due_day", "monthly_due_time"]
        widgets = {"daily_due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "weekly_due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "monthly_due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "weekly_due_weekday": forms.Select(choices=[
                       (1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")),
                       (5, _("Friday")), (6, _("Saturday")), (7, _("Sunday"))])}

    def clean_weekly_due_weekday(self):
        value = self.cleaned_data["weekly_due_weekday"]
        if not 1 <= value <= 7:
            raise forms.ValidationError(_("Choose a weekday from Monday to Sunday."))
        return value

    def clean_monthly_due_day(self):
        value = self.cleaned_data["monthly_due_day"]
        if not 1 <= value <= 28:
            raise forms.ValidationError(_("Choose a day from 1 to 28 (every month has it)."))
        return value
