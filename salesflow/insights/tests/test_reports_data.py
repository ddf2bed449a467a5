"""report_data: each figure equals the one its own module defines; the team scope; who may have which report;
the XLSX and the PDF read back."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from salesflow.core.periods import parse_period
from salesflow.insights.reports.data import period_for, report_data
from salesflow.insights.reports.render import render_report
from salesflow.performance import figures
from salesflow.performance.targets.completion import completion_tree

from .reports_fixtures import october_fixture  # noqa: F401  (the fixture)

OCTOBER = parse_period("2026-10")


def test_company_report_figures_equal_the_modules_that_define_them(org, october):
    data = report_data("monthly", "2026-10", user=org.director)
    signed = data["results"][0]
    expected = completion_tree(None, "signed_amount", OCTOBER, only_top=True).rows[0]
    assert signed["measure"] == "signed_amount"
    assert (signed["target"], signed["actual"]) == (expected.target, expected.actual)
    assert signed["actual"] == figures.total("signed_amount", OCTOBER.start, OCTOBER.end) == 350000
    assert signed["target"] == 100000  # 1,200,000 split evenly over twelve months
    won_amount = data["results"][2]
    assert won_amount["target"] is None and won_amount["actual"] == 300000  # no plan: no target, real actual
    assert [d["subject"] for d in data["top_won"]] == ["东区大单"]
    assert [(d["subject"], d["reason"]) for d in data["top_lost"]] == [
        ("西区丢单", "价格太高"), ("东区丢单", "价格太高"), ("西区无原因", "未填写原因")]
    assert data["lost_reasons"] == [{"reason": "价格太高", "count": 2}, {"reason": "未填写原因", "count": 1}]
    assert data["win_rate"]["value"] == 25  # 1 won of 4 closed
    assert data["collections"]["collected"] == 120000 and data["collections"]["signed"] == 350000


def test_team_report_covers_the_team_subtree_only(org, october):
    data = report_data("monthly", "2026-10", org.east, user=org.manager_east)
    assert data["scope"] == "East"
    assert data["results"][0]["actual"] == 300000
    assert [d["subject"] for d in data["top_lost"]] == ["东区丢单"]
    assert data["collections"]["signed"] == 300000 and data["collections"]["collected"] == 120000
    assert {r["owner"] for r in data["activity"]} <= {"rep_a", "rep_a2", "manager_east"}


def test_a_manager_has_his_teams_reports_only_and_a_rep_none(org, october):
    with pytest.raises(PermissionDenied):
        report_data("monthly", "2026-10", user=org.manager_east)  # the company
    with pytest.raises(PermissionDenied):
        report_data("monthly", "2026-10", org.west, user=org.manager_east)
    with pytest.raises(PermissionDenied):
        report_data("monthly", "2026-10", org.east1, user=org.rep_a)
    assert report_data("monthly", "2026-10", org.east1, user=org.manager_east)["scope"] == "East-1"
    assert report_data("monthly", "2026-10", user=org.finance)["scope"] == "公司"


def test_the_default_period_is_the_last_whole_one_and_a_label_must_fit_the_kind():
    import datetime

    today = datetime.date(2026, 11, 23)
    assert period_for("weekly", today=today).label == "2026-W47"
    assert period_for("monthly", today=today).label == "2026-10"
    assert period_for("quarterly", today=today).label == "2026-Q3"
    with pytest.raises(ValueError):
        period_for("weekly", "2026-10")


def test_an_empty_period_says_no_data_instead_of_zeros(org):
    title, content, data = render_report("monthly", "2026-03", user=None, fmt="xlsx")
    book = load_workbook(io.BytesIO(content))
    ageing = next(s for s in book.worksheets if "账龄" in s.title)
    assert ageing["A3"].value == "暂无数据"


def test_xlsx_reads_back_with_the_figures_and_real_charts(org, october):
    title, content, data = render_report("monthly", "2026-10", user=org.director, lang="zh-hans", fmt="xlsx")
    book = load_workbook(io.BytesIO(content))
    results = book.worksheets[1]
    assert results["A1"].value == "目标达成"
    assert [c.value for c in results[3]] == ["签约额", 100000, 350000, 350]
    assert len(results._charts) == 1
    ageing = next(s for s in book.worksheets if "账龄" in s.title)
    assert len(ageing._charts) == 1 and type(ageing._charts[0]).__name__ == "PieChart"
    lost = next(s for s in book.worksheets if s["A1"].value == "输单 Top 10")
    assert lost["B3"].value.startswith("客户") or lost["A3"].value == "西区丢单"
    assert title.startswith("公司")


def test_pdf_reads_back_in_chinese_and_in_english(org, october):
    _title, content, data = render_report("monthly", "2026-10", user=org.director, lang="zh-hans", fmt="pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for heading in ("目标达成", "销售漏斗", "应收账龄", "输单原因", "东区大单", "350,000.00", "100,000.00"):
        assert heading in text
    _title, content, _data = render_report("monthly", "2026-10", user=org.director, lang="en", fmt="pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Results vs target" in text and "Receivables ageing" in text and "350,000.00" in text
    with translation.override("zh-hans"):
        assert translation.gettext("Results vs target") == "目标达成"


def test_a_period_outside_the_business_years_is_refused_not_a_crash():
    for label in ("0001-01", "1999-12", "2101-01"):
        with pytest.raises(ValueError, match="2000"):
            period_for("monthly", label)
