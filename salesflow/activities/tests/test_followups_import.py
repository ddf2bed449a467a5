"""salesflow import activities FILE and /import/activities/: English and Chinese headers, CSV and XLSX, every problem
of every bad row reported with nothing written, rows through record_activity (last contact moves)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from salesflow.activities.models import Activity
from salesflow.core.models import AuditEntry
from salesflow.customers.models import Contact, Customer
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer

HEADER_EN = "customer,contact,type,occurred_at,owner,subject,notes,opportunity\n"


def run_cli(path, *args):
    out = io.StringIO()
    call_command("import", "activities", str(path), *args, stdout=out)
    return out.getvalue()


def cli_problems(path, *args):
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "activities", str(path), *args, stdout=out)
    return out.getvalue()


def xlsx(rows, name="activities.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture
def east(org):
    customer = make_customer(org.rep_a, name="东方机械有限公司")
    contact = Contact.objects.create(customer=customer, name="王总")
    opportunity = open_opportunity(actor=org.rep_a, customer=customer, subject="二期扩容", amount=100000)
    make_customer(org.rep_a2, name="东一贸易有限公司")
    make_customer(org.rep_b, name="西部能源有限公司")
    return customer, contact, opportunity


def test_good_csv_with_english_headers_is_imported_through_record_activity(org, east, tmp_path):
    customer, contact, opportunity = east
    path = tmp_path / "activities.csv"
    path.write_text(HEADER_EN + "东方机械有限公司,王总,call,2026-01-05 14:30,rep_a,电话沟通需求,客户要报价,二期扩容\n"
                    "东一贸易有限公司,,微信,2026-01-06 09:00,rep_a2,发资料,,\n", encoding="utf-8")
    output = run_cli(path, "--user", "manager_east")
    assert "2 created" in output
    first = Activity.objects.get(subject="电话沟通需求")
    assert (first.kind, first.owner, first.contact, first.opportunity, first.notes) == (
        "call", org.rep_a, contact, opportunity, "客户要报价")
    assert timezone.localtime(first.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-01-05 14:30"
    assert Customer.objects.get(pk=customer.pk).last_contact_at == first.occurred_at
    second = Activity.objects.get(subject="发资料")
    assert (second.kind, second.owner, second.team_id) == ("wechat", org.rep_a2, org.east1.pk)
    assert AuditEntry.objects.filter(action="create", content_type__model="activity",
                                     actor=org.manager_east).count() == 2


def test_web_import_xlsx_with_chinese_headers_and_chinese_types(org, east, client_for, web_import):
    file = xlsx([["客户", "联系人", "类型", "时间", "负责人", "主题", "备注", "商机"],
                 ["东方机械有限公司", "王总", "拜访", "2026-02-01 10:00", "", "上门拜访", "见了采购", ""],
                 ["东方机械有限公司", "", "邮件", datetime.datetime(2026, 2, 2, 16, 45), "rep_a", "发报价", "",
                  "二期扩容"]])
    client = client_for(org.rep_a)
    job = web_import.upload(client, "activities", file)
    assert job.status == "ready", job.errors
    job = web_import.confirm(client, job)
    assert job.result == {"created": 2, "updated": 0}
    visit = Activity.objects.get(subject="上门拜访")
    assert (visit.kind, visit.owner, visit.contact.name) == ("visit", org.rep_a, "王总")  # no owner: the importer
    mail = Activity.objects.get(subject="发报价")
    assert mail.kind == "email" and timezone.localtime(mail.occurred_at).strftime("%H:%M") == "16:45"


def test_every_problem_of_every_bad_row_is_reported_and_nothing_is_written(org, east, tmp_path):
    future = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    path = tmp_path / "activities.csv"
    path.write_text(
        HEADER_EN
        + "东方机械有限公司,王总,call,2026-01-05 14:30,rep_a,好的一行,,\n"                  # line 2: fine
        + "西部能源有限公司,,传真,2026-13-05 14:30,rep_a,,,\n"                              # line 3: 4 problems
        + "东方机械有限公司,李总,call,2026-01-05 14:30,rep_b,别人的,,不存在的商机\n"          # line 4: 3 problems
        + f"东方机械有限公司,,note,{future},,将来的,,\n",                                   # line 5: 1 problem
        encoding="utf-8")
    output = cli_problems(path, "--user", "rep_a")
    assert output.strip().splitlines() == [
        "line 3: 主题 此项为必填。",
        "line 3: 客户 没有您可查看的名为“西部能源有限公司”的客户（名称须完全一致）。",
        "line 3: 类型 “传真”不是允许的值：visit, call, meeting, email, wechat, note, "
        "拜访, 电话, 会议, 邮件, 微信, 备注。",
        "line 3: 时间 “2026-13-05 14:30”不是有效的时间，请写成 YYYY-MM-DD HH:MM，例如 2026-01-31 14:30。",
        "line 4: 负责人 您不能为rep_b记录跟进：只能为您自己或您团队中的人记录。",
        "line 4: 联系人 东方机械有限公司没有名为“李总”的联系人。",
        "line 4: 商机 东方机械有限公司没有您可查看的名为“不存在的商机”的商机。",
        "line 5: 时间 跟进记录记载已发生的事，时间不能是将来（请改为安排拜访计划或任务）。",
    ]
    assert not Activity.objects.exists()
    assert Customer.objects.get(name="东方机械有限公司").last_contact_at is None


def test_ambiguous_customer_name_is_a_row_error(org, east, tmp_path):
    make_customer(org.rep_a, name="东方机械有限公司")
    path = tmp_path / "activities.csv"
    path.write_text(HEADER_EN + "东方机械有限公司,,call,2026-01-05 14:30,rep_a,电话,,\n", encoding="utf-8")
    assert "东方机械有限公司" in cli_problems(path, "--user", "rep_a")
    assert not Activity.objects.exists()


def test_without_user_each_row_is_recorded_by_its_owner_who_must_be_named(org, east, tmp_path):
    path = tmp_path / "activities.csv"
    path.write_text(HEADER_EN + "东方机械有限公司,,call,2026-01-05 14:30,rep_a,电话,,\n"
                    "东方机械有限公司,,call,2026-01-05 15:30,,没有负责人,,\n", encoding="utf-8")
    assert "line 3" in cli_problems(path)
    path.write_text(HEADER_EN + "东方机械有限公司,,call,2026-01-05 14:30,rep_a,电话,,\n", encoding="utf-8")
    run_cli(path)
    assert Activity.objects.get().owner == org.rep_a
    # ...and rep_b, as owner, cannot see rep_a's customer
    path.write_text(HEADER_EN + "东方机械有限公司,,call,2026-01-05 14:30,rep_b,电话,,\n", encoding="utf-8")
    assert "东方机械有限公司" in cli_problems(path)
