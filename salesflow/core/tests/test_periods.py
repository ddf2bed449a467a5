import datetime

import pytest
from django.utils import translation

from salesflow.core.periods import parse_period, period_choices, period_of


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
    with translation.override("en"), pytest.raises(ValueError, match="is not a period"):
        parse_period("2026-13")


def test_bad_period_label_error_is_in_chinese_in_the_chinese_ui():
    with translation.override("zh-hans"), pytest.raises(ValueError, match="不是有效的期间"):
        parse_period("2026-13")


def test_period_picker_offers_quarters_months_and_years_around_today():
    with translation.override("zh-hans"):
        groups = dict(period_choices(datetime.date(2026, 11, 23)))
    labels = {label: text for options in groups.values() for label, text in options}
    assert labels["2026-Q4"] == "2026年第4季度"
    assert labels["2026-11"] == "2026年11月"
    assert labels["2027"] == "2027年"
    assert "2025-Q4" in labels and "2027-Q4" in labels and "2025-11" in labels


def test_period_picker_keeps_a_selected_period_outside_its_range():
    groups = period_choices(datetime.date(2026, 11, 23), selected="2019-Q2")
    assert groups[0][1] == [("2019-Q2", parse_period("2019-Q2").display)]


def test_a_year_splits_into_quarters_months_and_weeks_each_week_in_one_month():
    from salesflow.core.periods import period_children, year_periods

    year = parse_period("2026")
    assert [p.label for p in period_children(year)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [p.label for p in period_children(parse_period("2026-Q2"))] == ["2026-04", "2026-05", "2026-06"]
    assert period_children(parse_period("2026-04")) == []
    weeks = [p for p in year_periods(2026, with_weeks=True) if p.kind == "week"]
    assert len(weeks) == len({p.label for p in weeks}) == 53  # ISO 2026 has 53 weeks
    assert weeks[0].label == "2026-W01" and weeks[-1].label == "2026-W53"
    assert len(year_periods(2026)) == 17
