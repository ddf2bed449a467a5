import datetime

import pytest

from salesflow.core.periods import parse_period, period_of


@pytest.mark.parametrize("label,start,end", [
    ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ("2026-Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ("2024-Q4", datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
    ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
    ("2026-W01", datetime.date(2025, 12, 29), datetime.date(2026, 1, 4)),
])
def test_parse_period_boundaries(label, start, end):
    period = parse_period(label)
    assert (period.start, period.end) == (start, end)
    assert period.label == label


def test_period_of_week_starts_monday():
    assert period_of("week", datetime.date(2026, 11, 22)).start == datetime.date(2026, 11, 16)


def test_bad_period_label_gives_a_clear_error():
    with pytest.raises(ValueError, match="not a period"):
        parse_period("2026-13")
