"""Business periods (year, quarter, month, week): the one place that knows their boundaries."""

import datetime
from dataclasses import dataclass


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

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


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
        raise ValueError(f"not a period: {label!r} (use 2026, 2026-Q3, 2026-07 or 2026-W05)") from None
