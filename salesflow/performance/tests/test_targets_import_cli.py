"""``salesflow import targets FILE`` and ``salesflow report targets``: every bad row reported and nothing written,
cells into the year's draft through the form's service, and the report as a user may see it."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from salesflow.performance.models import Target, TargetPlan
from salesflow.performance.targets import services


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_csv_with_english_headers_fills_the_years_draft_plan(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("year,period,node,measure,amount\n"
                    "2027,2027,company,signed_amount,\"1,200,000\"\n"
                    "2027,2027-Q1,HQ,signed_amount,300000\n"
                    "2027,2027-03,rep_a,signed_amount,50000.5\n"
                    "2027,2027,rep_b,collected_amount,90000\n", encoding="utf-8")
    run("import", "targets", str(path))
    plan = TargetPlan.objects.get(year=2027, measure__key="signed_amount")
    assert plan.status == "draft"
    cells = {(t.node, t.period): t.amount for t in Target.objects.filter(plan=plan)}
    assert cells[("company", "2027")] == 1200000
    assert cells[(f"team:{org.hq.pk}", "2027-Q1")] == 300000
    assert str(cells[(f"user:{org.rep_a.pk}", "2027-03")]) == "50000.50"
    assert TargetPlan.objects.get(year=2027, measure__key="collected_amount").targets.filter(
        node=f"user:{org.rep_b.pk}", period="2027").get().amount == 90000


def test_xlsx_with_chinese_headers_into_a_revision_of_the_approved_plan(org, tmp_path, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.approve_plan(actor=org.director, plan=plan)
    workbook = Workbook()
    workbook.active.append(["年度", "期间", "节点", "指标", "金额"])
    workbook.active.append([2026, "2026-05", "rep_b", "signed_amount", 1])
    path = tmp_path / "targets.xlsx"
    workbook.save(path)
    run("import", "targets", str(path))
    draft = TargetPlan.objects.get(year=2026, status="draft")
    assert draft.revision == 2
    assert draft.targets.get(node=f"user:{org.rep_b.pk}", period="2026-05").amount == 1
    june = Target.objects.get(plan=plan, node=f"user:{org.rep_b.pk}", period="2026-06").amount
    assert draft.targets.get(node=f"user:{org.rep_b.pk}", period="2026-06").amount == june  # copied as it was
    assert Target.objects.get(plan=plan, node=f"user:{org.rep_b.pk}", period="2026-05").amount != 1


def test_every_problem_of_every_bad_row_is_reported_and_nothing_is_written(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("年度,期间,节点,指标,金额\n"
                    "2027,2027-Q1,company,signed_amount,100\n"
                    "20x7,2027-13,nobody,nothing,-5\n"
                    "2027,2026-Q1,company,signed_amount,abc\n"
                    "2027,2027-Q1,company,signed_amount,7\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "targets", str(path), stdout=out)
    report = out.getvalue()
    for expected in ("3", "年度", "期间", "节点", "指标", "金额", "4", "5"):
        assert expected in report
    assert "nobody" in report and "2026-Q1" in report
    assert not TargetPlan.objects.exists()


def test_a_manager_imports_for_their_team_only(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("year,period,node,measure,amount\n2027,2027,rep_b,signed_amount,5\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "targets", str(path), "--user", "manager_east", stdout=out)
    assert "rep_b" in out.getvalue() or "节点" in out.getvalue()
    assert not Target.objects.exists()


def test_report_targets_as_a_rep_shows_only_their_own_node(org, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    services.approve_plan(actor=org.director, plan=plan)
    mine = json.loads(run("report", "targets", "--json", "--user", "rep_a", "--period", "2026-Q2"))
    assert [r["node"] for r in mine["rows"]] == [f"user:{org.rep_a.pk}"]
    assert mine["rows"][0]["target"] == "100000.00" and mine["rows"][0]["note"] == "暂无数据"
    everyone = json.loads(run("report", "targets", "--json", "--period", "2026-Q2"))
    assert len(everyone["rows"]) == 8 and everyone["rows"][0]["node"] == "company"
    with pytest.raises(CommandError, match="不是有效的期间"):
        run("report", "targets", "--json", "--period", "2026-13")


def test_imported_rep_months_add_up_to_an_approvable_plan_after_rolling_up(org, tmp_path):
    from salesflow.testing.api_client import ApiClient

    lines = ["year,period,node,measure,amount"]
    lines += [f"2027,2027-{m:02},{rep},signed_amount,{m * 1000 + i}.01"
              for m in range(1, 13) for i, rep in enumerate(("rep_a", "rep_a2", "rep_b"))]
    path = tmp_path / "targets.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import", "targets", str(path))
    plan = TargetPlan.objects.get(year=2027)
    api = ApiClient(org.director)
    assert api.post(f"/api/v1/performance/targets/plans/{plan.pk}/approve", {}).status_code == 422
    assert ApiClient(org.rep_a).post(f"/api/v1/performance/targets/plans/{plan.pk}/roll-up", {}).status_code == 403
    assert api.post(f"/api/v1/performance/targets/plans/{plan.pk}/roll-up", {}).status_code == 200
    assert services.check_plan(plan) == []
    company = Target.objects.get(plan=plan, node="company", period="2027").amount
    assert str(company) == str(sum(m * 1000 * 3 + 3 + 0.03 for m in range(1, 13)).__round__(2))
    assert api.post(f"/api/v1/performance/targets/plans/{plan.pk}/approve", {}).json()["status"] == "approved"
