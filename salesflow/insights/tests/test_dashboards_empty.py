"""A dashboard before any data: every panel renders, and a figure with nothing behind it says so (暂无数据 / no target)
instead of showing an invented number."""

from salesflow.core.periods import period_of
from salesflow.insights.dashboards.panels import dashboard
from salesflow.insights.dashboards.scope import Scope


def test_a_new_reps_dashboard_says_there_is_no_target_yet(org, client_for):
    html = client_for(org.rep_a).get("/").content.decode()
    assert 'data-testid="panel-target"' in html
    assert "尚无已批准的目标" in html  # No approved target for … yet.
    assert "暂无数据" in html  # the target figure itself


def test_empty_money_figures_are_zero_with_no_records_behind_them(org):
    from django.utils import timezone

    board = dashboard(Scope(org.director, period_of("quarter", timezone.localdate())))
    period = next(p for p in board["panels"] if p["key"] == "period")
    assert [(f["value"], f["count"]) for f in period["figures"]] == [(0, 0)] * 3
    assert next(p for p in board["panels"] if p["key"] == "product-mix")["chart"] is None


def test_finance_sees_collections_against_plan_for_every_month_of_the_period(org):
    from django.utils import timezone

    quarter = period_of("quarter", timezone.localdate())
    board = dashboard(Scope(org.finance, quarter))
    chart = next(p for p in board["panels"] if p["key"] == "collections")["chart"]
    due, collected = chart["series"]
    assert len(chart["x"]) == 3 and due["y"] == [0, 0, 0]
    # Collected: zero so far, and no figure yet for a month that has not begun.
    today = timezone.localdate()
    assert collected["y"] == [0 if month <= f"{today:%Y-%m}" else None for month in chart["x"]]


def test_money_axes_count_in_wan_or_yi_in_chinese_and_k_or_m_in_english():
    from django.utils import translation

    from salesflow.core.templatetags.salesflow_tags import money_axis

    with translation.override("zh-hans"):
        assert [money_axis(v) for v in (800, 15_000, 350_000_000)] == [(1, "元"), (10_000, "万元"),
                                                                        (100_000_000, "亿元")]
    with translation.override("en"):
        assert [money_axis(v) for v in (800, 15_000, 3_500_000)] == [(1, "¥"), (1000, "¥K"), (1_000_000, "¥M")]
