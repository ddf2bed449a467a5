"""The built-in KPI library (created by migration 0002; an administrator may add more as data).

Definitions where the issue leaves room (stated once, here):
* stage conversion (win rate) = opportunities won ÷ opportunities closed (won or lost) in the period, in %;
* sales cycle = the days from opening to winning, averaged over the opportunities won in the period;
* follow-up coverage = customers on the book with an activity in the period ÷ customers on the book, in %;
* new customer rate = customers created in the period ÷ customers on the book at its end, in %;
* retention rate = customers who signed in the period and had signed before ÷ customers who signed in it, in %;
* key-account growth = signed amount from A-class customers vs the same period last year, in %;
* output per head = signed amount ÷ the number of people (a person: 1; a team: its active members);
* attrition and ramp-up time: the data records no leaving date and no start of selling, so both are entered by
  hand per team and period (like market share and training hours) rather than invented.
"""

from django.utils.translation import gettext_lazy as _

BUILT_IN_NAMES = {
    "signed_amount": _("Signed amount"),
    "collected_amount": _("Collected amount"),
    "gross_margin": _("Gross margin"),
    "target_completion": _("Target completion"),
    "market_share": _("Market share"),
    "visits": _("Visits"),
    "followups": _("Follow-ups"),
    "quotations_sent": _("Quotations sent"),
    "win_rate": _("Stage conversion (win rate)"),
    "sales_cycle": _("Sales cycle"),
    "followup_coverage": _("Follow-up coverage"),
    "output_per_head": _("Output per head"),
    "attrition": _("Attrition"),
    "ramp_up_days": _("Ramp-up time of new reps"),
    "training_hours": _("Training hours"),
    "new_customer_rate": _("New customer rate"),
    "retention_rate": _("Retention rate"),
    "key_account_growth": _("Key-account (A-class) growth"),
}

# key, family, formula, figure, denominator, measure, direction, unit
LIBRARY = [
    ("signed_amount", "result", "figure", "signed_amount", "", "", "higher", "amount"),
    ("collected_amount", "result", "figure", "collected_amount", "", "", "higher", "amount"),
    ("gross_margin", "result", "figure", "gross_margin", "", "", "higher", "amount"),
    ("target_completion", "result", "vs_target", "signed_amount", "", "signed_amount", "higher", "percent"),
    ("market_share", "result", "manual", "", "", "", "higher", "percent"),
    ("visits", "process", "figure", "visits", "", "", "higher", "count"),
    ("followups", "process", "figure", "followups", "", "", "higher", "count"),
    ("quotations_sent", "process", "figure", "quotations_sent", "", "", "higher", "count"),
    ("win_rate", "process", "ratio", "won_count", "closed_count", "", "higher", "percent"),
    ("sales_cycle", "process", "ratio", "won_cycle_days", "won_count", "", "lower", "days"),
    ("followup_coverage", "process", "ratio", "customers_contacted", "customers_owned", "", "higher", "percent"),
    ("output_per_head", "team", "per_head", "signed_amount", "", "", "higher", "amount"),
    ("attrition", "team", "manual", "", "", "", "lower", "percent"),
    ("ramp_up_days", "team", "manual", "", "", "", "lower", "days"),
    ("training_hours", "team", "manual", "", "", "", "higher", "hours"),
    ("new_customer_rate", "development", "ratio", "new_customers", "customers_owned", "", "higher", "percent"),
    ("retention_rate", "development", "ratio", "customers_retained", "customers_signed", "", "higher", "percent"),
    ("key_account_growth", "development", "growth", "key_account_signed_amount", "", "", "higher", "percent"),
]

FIELDS = ("key", "family", "formula", "figure", "denominator", "measure", "direction", "unit")


def install(kpi_model) -> None:
    """Create the built-in KPIs that are missing (used by the migration; safe to run again)."""
    for order, row in enumerate(LIBRARY, start=1):
        values = dict(zip(FIELDS, row, strict=True))
        kpi_model.objects.get_or_create(key=values.pop("key"), defaults={**values, "order": order * 10})
