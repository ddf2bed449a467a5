"""The columns of the statistics table, the export and the plain-text report: one list, so they never differ."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Activity

FOLLOWUP_COLUMNS = [(f"followups_{kind}", label) for kind, label in Activity.Kind.choices]

COLUMNS = [
    ("visits_planned", _("Visits planned")),
    ("visits_planned_done", _("Planned visits done")),
    ("visits_done", _("Visits done")),
    *FOLLOWUP_COLUMNS,
    ("followups_total", pgettext_lazy("follow-ups", "All follow-ups")),
    ("customers_touched", _("Customers touched")),
    ("new_customers_contacted", _("New customers contacted")),
    ("a_class_avg_days_between_touches", _("A-class: days between touches")),
    ("open_opportunities", _("Open opportunities")),
    ("open_opportunities_touched", _("Followed up in 14 days")),
    ("open_opportunity_coverage", _("Coverage %")),
]

# The table's upper header row: (label, number of columns), in the order of COLUMNS.
COLUMN_GROUPS = [
    (_("Visits"), 3),
    (_("Follow-ups by type"), len(FOLLOWUP_COLUMNS) + 1),
    (_("Customers"), 2),
    (_("A-class customers"), 1),
    (_("Opportunities being tracked"), 3),
]
assert sum(n for _label, n in COLUMN_GROUPS) == len(COLUMNS)


def label_header(by: str):
    return _("Rep") if by == "owner" else _("Team")


def export_rows(rows: list[dict], total: dict, by: str):
    """Rows for core.exports: label (and team), every column, then the totals row."""
    for r in rows:
        yield [r["label"], *([r["team"]] if by == "owner" else []), *(r[key] for key, _label in COLUMNS)]
    yield [str(_("Total")), *([""] if by == "owner" else []), *(total[key] for key, _label in COLUMNS)]


def export_headers(by: str) -> list[str]:
    return [str(label_header(by)), *([str(_("Team"))] if by == "owner" else []),
            *(str(label) for _key, label in COLUMNS)]
