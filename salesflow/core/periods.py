"""Business periods (year, quarter, month, week): the one place that knows their boundaries."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    kind: str  # "year" | "quarter" | "month" | "week"
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        iso = self.start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    @property
    def display(self) -> str:
        """The period as a person reads it: '2026年第3季度', '2026年7月' (English: 'Q3 2026', 'Jul 2026')."""
        year = self.start.year
        if self.kind == "year":
            return _("%(year)s") % {"year": year}
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": year}
        if self.kind == "month":
            return _("%(month)s/%(year)s") % {"month": self.start.month, "year": year}
        iso = self.start.isocalendar()
        return _("Week %(week)s of %(year)s") % {"week": iso.week, "year": iso.year}

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def aware_bounds(first_day: datetime.date, last_day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) in the business time zone covering whole days ``first_day`` .. ``last_day``, for timestamps."""
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def whole_months(first: datetime.date, last: datetime.date) -> bool:
    """Is [first, last] a run of whole calendar months (a month, quarter or year — not a week)?"""
    return first.day == 1 and (last + datetime.timedelta(days=1)).day == 1


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def period_of(kind: str, day: datetime.date) -> Period:
    if kind == "year":
        return Period(kind, datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    if kind == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        return Period(kind, datetime.date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    if kind == "month":
        return Period(kind, day.replace(day=1), _month_end(day.year, day.month))
    if kind == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        return Period(kind, monday, monday + datetime.timedelta(days=6))
    raise ValueError(f"unknown period kind {kind!r}")


def parse_period(label: str) -> Period:
    """Parse '2026', '2026-Q3', '2026-07' or '2026-W05'."""
    try:
        if "-Q" in label:
            year, quarter = label.split("-Q")
            return period_of("quarter", datetime.date(int(year), (int(quarter) - 1) * 3 + 1, 1))
        if "-W" in label:
            year, week = label.split("-W")
            return period_of("week", datetime.date.fromisocalendar(int(year), int(week), 1))
        if "-" in label:
            year, month = label.split("-")
            return period_of("month", datetime.date(int(year), int(month), 1))
        return period_of("year", datetime.date(int(label), 1, 1))
    except ValueError:
        raise ValueError(
            _("“%(label)s” is not a period (use 2026, 2026-Q3, 2026-07 or 2026-W05).") % {"label": label}
        ) from None


def period_choices(today: datetime.date, selected: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a period picker: quarters, months and years around ``today``.

    The selected label is kept as an option even when it lies outside the offered range.
    """
    quarter = period_of("quarter", today)
    quarters, start = [], quarter.start
    for offset in range(-4, 5):
        month_index = start.year * 12 + start.month - 1 + offset * 3
        quarters.append(period_of("quarter", datetime.date(month_index // 12, month_index % 12 + 1, 1)))
    months = []
    for offset in range(-12, 7):
        month_index = today.year * 12 + today.month - 1 + offset
        months.append(period_of("month", datetime.date(month_index // 12, month_index % 12 + 1, 1)))
    years = [period_of("year", datetime.date(today.year + offset, 1, 1)) for offset in (-2, -1, 0, 1)]
    groups = [
        (_("Quarters"), [(p.label, p.display) for p in quarters]),
        (_("Months"), [(p.label, p.display) for p in months]),
        (_("Years"), [(p.label, p.display) for p in years]),
    ]
    offered = {label for _group, options in groups for label, _text in options}
    if selected and selected not in offered:
        try:
            chosen = parse_period(selected)
        except ValueError:
            return groups
        groups.insert(0, (_("Selected"), [(chosen.label, chosen.display)]))
    return groups


def period_children(period: Period, with_weeks: bool = False) -> list[Period]:
    """The periods a period splits into: a year into quarters, a quarter into months and, with ``with_weeks``, a
    month into the ISO weeks whose Thursday falls in it (so each week of a year belongs to exactly one month)."""
    if period.kind == "year":
        return [period_of("quarter", datetime.date(period.start.year, month, 1)) for month in (1, 4, 7, 10)]
    if period.kind == "quarter":
        return [period_of("month", datetime.date(period.start.year, period.start.month + i, 1)) for i in range(3)]
    if period.kind == "month" and with_weeks:
        weeks, thursday = [], period.start + datetime.timedelta(days=(3 - period.start.weekday()) % 7)
        while thursday <= period.end:
            weeks.append(period_of("week", thursday))
            thursday += datetime.timedelta(days=7)
        return weeks
    return []


def year_periods(year: int, with_weeks: bool = False) -> list[Period]:
    """A year and everything below it, parents before children: year, quarters, months (and weeks)."""
    result, queue = [], [period_of("year", datetime.date(year, 1, 1))]
    while queue:
        period = queue.pop(0)
        result.append(period)
        queue.extend(period_children(period, with_weeks))
    return result
