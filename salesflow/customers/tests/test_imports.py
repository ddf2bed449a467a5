import io

import pytest
from openpyxl import Workbook, load_workbook

from salesflow.customers.models import Customer, OwnershipChange, PoolSettings
from salesflow.testing.factories import make_customer, make_region

VALID_CODE = "91350100M000100Y43"


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "customers.xlsx"
    return buffer


@pytest.fixture
def run_web_import(web_import):
    return lambda client, file, key="": web_import.upload(client, "customers", file, key)


def test_template_has_chinese_and_english_headers(org, client_for):
    response = client_for(org.rep_a).get("/import/customers/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "客户名称" and rows[1][0].startswith("Customer name")


def test_bad_rows_are_all_reported_and_nothing_is_written(org, client_for, run_web_import):
    file = xlsx([
        ["客户名称", "统一社会信用代码", "客户分类", "信用额度"],
        ["好公司", VALID_CODE, "A", "1000"],
        ["", "", "B", ""],
        ["坏代码公司", "123", "A", ""],
        ["分类错公司", "", "Z", "abc"],
    ])
    job = run_web_import(client_for(org.rep_a), file)
    assert job.status == "invalid"
    lines = sorted({e["line"] for e in job.errors})
    assert lines == [3, 4, 5]
    assert Customer.objects.count() == 0


def test_valid_import_then_reimport_by_key_updates(org, client_for, run_web_import, web_import):
    client = client_for(org.rep_a)
    job = run_web_import(client, xlsx([["Customer name", "Credit code", "Industry"], ["新客户", VALID_CODE, "制造业"]]))
    assert job.status == "ready"
    job = web_import.confirm(client, job)
    assert job.status == "done" and job.result == {"created": 1, "updated": 0}
    customer = Customer.objects.get()
    assert customer.owner == org.rep_a and customer.industry == "制造业"

    job = run_web_import(client, xlsx([["客户名称", "统一社会信用代码", "行业"], ["新客户", VALID_CODE, "零售"]]),
                         key="credit_code")
    job = web_import.confirm(client, job)
    assert job.result == {"created": 0, "updated": 1}
    assert Customer.objects.get().industry == "零售"


def test_import_without_key_refuses_an_existing_company(org, client_for, run_web_import):
    client = client_for(org.rep_a)
    Customer.objects.create(name="已存在有限公司", owner=org.rep_a)
    job = run_web_import(client, xlsx([["客户名称"], ["已存在股份有限公司"]]))
    assert job.status == "invalid"
    assert Customer.objects.count() == 1


def test_csv_gbk_and_missing_required_column(org, client_for, run_web_import):
    client = client_for(org.rep_a)
    csv_file = io.BytesIO("客户名称,行业\nGBK公司,制造业\n".encode("gbk"))
    csv_file.name = "c.csv"
    job = run_web_import(client, csv_file)
    assert job.status == "ready" and job.rows[0]["name"] == "GBK公司"
    bad = io.BytesIO("行业\n制造业\n".encode())
    bad.name = "c.csv"
    response = client.post("/import/customers/", {"file": bad})
    assert response.status_code == 400
    assert "客户名称" in response.content.decode()


def test_cli_import_reports_every_bad_row(org, tmp_path):
    import pytest
    from django.core.management import CommandError, call_command

    path = tmp_path / "c.csv"
    path.write_text("客户名称,统一社会信用代码\n甲,123\n乙,456\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 problems"):
        call_command("import", "customers", str(path), stdout=out)
    assert "line 2" in out.getvalue() and "line 3" in out.getvalue()
    assert Customer.objects.count() == 0


# --- permissions and services through the import door -------------------------------------------------------------

def file_of(rows, name="customers.xlsx"):
    file = xlsx(rows)
    file.name = name
    return file


def test_rep_import_keyed_on_another_reps_customer_is_reported_and_changes_nothing(org, client_for, run_web_import):
    theirs = make_customer(org.rep_b, name="西部客户有限公司", credit_code=VALID_CODE, industry="零售")
    job = run_web_import(client_for(org.rep_a), file_of([["客户名称", "统一社会信用代码", "行业"],
                                                         ["西部客户有限公司", VALID_CODE, "改掉"]]), key="credit_code")
    assert job.status == "invalid"
    assert job.errors == [{"line": 2, "column": "",
                           "message": "此行匹配到一个你无权修改的客户，请联系其负责人 rep_b。"}]
    theirs.refresh_from_db()
    assert theirs.industry == "零售" and theirs.owner == org.rep_b


def test_rep_cannot_give_an_imported_customer_to_another_rep(org, client_for, run_web_import):
    job = run_web_import(client_for(org.rep_a), file_of([["客户名称", "负责人"], ["送人客户有限公司", "rep_a2"]]))
    assert job.status == "invalid" and job.errors[0]["column"] == "负责人"
    assert Customer.objects.count() == 0


def test_manager_owner_column_moves_customers_through_the_assign_service(org, client_for, run_web_import, web_import):
    mine = make_customer(org.rep_a, name="东部客户有限公司")
    client = client_for(org.manager_east)
    outside = run_web_import(client, file_of([["编号", "客户名称", "负责人"], [mine.pk, mine.name, "rep_b"]]), key="id")
    assert outside.status == "invalid" and outside.errors[0]["column"] == "负责人"  # rep_b is not in East
    job = run_web_import(client, file_of([["编号", "客户名称", "负责人"], [mine.pk, mine.name, "rep_a2"]]), key="id")
    job = web_import.confirm(client, job)
    assert job.result == {"created": 0, "updated": 1}
    mine.refresh_from_db()
    assert mine.owner == org.rep_a2 and mine.team == org.east1
    change = OwnershipChange.objects.get(customer=mine)
    assert (change.action, change.from_owner, change.to_owner, change.by) == ("transfer", org.rep_a, org.rep_a2,
                                                                              org.manager_east)


def test_imported_customers_count_against_the_claim_limit(org, client_for, run_web_import):
    settings_row = PoolSettings.current()
    settings_row.max_customers_per_rep = 1
    settings_row.save()
    make_customer(org.rep_a)
    job = run_web_import(client_for(org.rep_a), file_of([["客户名称"], ["超额客户有限公司"]]))
    assert job.status == "invalid" and "1" in job.errors[0]["message"]
    assert Customer.objects.count() == 1


def test_new_imported_customer_gets_ownership_history_like_the_form(org, client_for, run_web_import, web_import):
    client = client_for(org.rep_a)
    web_import.confirm(client, run_web_import(client, file_of([["客户名称"], ["历史客户有限公司"]])))
    change = OwnershipChange.objects.get()
    assert (change.action, change.to_owner, change.by) == ("create", org.rep_a, org.rep_a)


# --- the round trip ------------------------------------------------------------------------------------------------

def test_every_problem_of_a_row_is_reported_not_only_the_first(org, client_for, run_web_import):
    job = run_web_import(client_for(org.rep_a), file_of([
        ["客户名称", "统一社会信用代码", "客户分类", "信用额度", "区域", "电话"],
        ["多错公司有限公司", "123", "Z", "abc", "火星", "12345"],
    ]))
    columns = sorted(e["column"] for e in job.errors if e["line"] == 2)
    assert columns == sorted(["统一社会信用代码", "客户分类", "信用额度", "区域", "电话"])


def test_formula_cell_is_reported_as_a_formula(org, client_for, run_web_import):
    job = run_web_import(client_for(org.rep_a), file_of([["客户名称", "信用额度"], ["公式客户有限公司", "=1000*2"]]))
    assert job.status == "invalid"
    assert job.errors == [{"line": 2, "column": "信用额度",
                           "message": "此单元格是公式（=1000*2），请改为填写它的值。"}]


def test_two_rows_with_the_same_key_in_one_file_are_reported(org, client_for, run_web_import):
    job = run_web_import(client_for(org.rep_a), file_of([
        ["客户名称", "统一社会信用代码"], ["一号客户有限公司", VALID_CODE], ["二号客户有限公司", VALID_CODE],
        ["一号客户有限公司", ""]]), key="credit_code")
    assert job.status == "invalid"
    messages = {(e["line"], e["message"]) for e in job.errors}
    assert (3, "与第 2 行的“统一社会信用代码”相同。") in messages
    assert (4, "与第 2 行的“客户名称”相同。") in messages


def test_phone_numbers_are_checked_the_same_by_import_form_and_api(org, client_for, run_web_import):
    client = client_for(org.rep_a)
    job = run_web_import(client, file_of([["客户名称", "电话"], ["手机客户有限公司", "13800138000"],
                                          ["座机客户有限公司", "021-12345678"], ["坏号客户有限公司", "1234"]]))
    assert [(e["line"], e["column"]) for e in job.errors] == [(4, "电话")]
    form = client.post("/customers/new/", {"name": "表单客户有限公司", "phone": "1234", "customer_class": "B",
                                           "value_level": "medium", "potential_level": "medium"})
    assert "不是有效的电话号码" in form.content.decode()
    api = client.post("/api/v1/customers/", {"name": "接口客户有限公司", "phone": "1234"},
                      content_type="application/json")
    assert api.status_code in (400, 422) and "phone" in api.content.decode()
    assert Customer.objects.count() == 0


def test_exported_file_reimported_by_id_updates_the_same_records(org, client_for, run_web_import, web_import):
    import datetime

    from django.utils import timezone

    org.rep_a.display_name = "张三"
    org.rep_a.save()
    region = make_region("华东")
    first = make_customer(org.rep_a, name="往返一号有限公司", customer_class="A", lifecycle_stage="mature",
                          region=region, phone="13800138000")
    second = make_customer(org.rep_a, name="往返二号有限公司", phone="=cmd|calc")
    Customer.objects.filter(pk=first.pk).update(created_at=datetime.datetime(2024, 1, 1, 16, 30, tzinfo=datetime.UTC))
    client = client_for(org.rep_a)
    response = client.get("/customers/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    by_name = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    exported = by_name["往返一号有限公司"]
    assert exported["负责人"] == "张三"  # display name, not the login
    assert (exported["客户分类"], exported["生命周期阶段"]) == ("A（重点客户）", "成熟期")  # labels, not codes
    assert exported["创建时间"] == "2024-01-02 00:30"  # Asia/Shanghai, not UTC
    assert by_name["往返二号有限公司"]["电话"] == "'=cmd|calc"  # never a live formula
    for row in rows[1:]:
        row[header.index("行业")] = "再导入"
    Customer.objects.filter(pk=second.pk).update(phone="")  # (the model now refuses that phone; clear it)
    for row in rows[1:]:
        if row[1] == "往返二号有限公司":
            row[header.index("电话")] = ""
    job = run_web_import(client, file_of(rows), key="id")
    assert job.status == "ready", job.errors
    job = web_import.confirm(client, job)
    assert job.result == {"created": 0, "updated": 2}, job.errors
    assert Customer.objects.count() == 2
    first.refresh_from_db()
    assert (first.industry, first.customer_class, first.lifecycle_stage, first.owner, first.region) == (
        "再导入", "A", "mature", org.rep_a, region)
    assert timezone.localtime(first.created_at).hour == 0


def test_a_file_that_would_take_a_rep_past_the_claim_limit_writes_nothing(org, client_for, run_web_import,
                                                                          web_import):
    settings_row = PoolSettings.current()
    settings_row.max_customers_per_rep = 2
    settings_row.save()
    client = client_for(org.rep_a)
    job = run_web_import(client, file_of([["客户名称"], ["一号甲方有限公司"], ["二号乙方有限公司"],
                                          ["三号丙方有限公司"]]))
    job = web_import.confirm(client, job)
    assert job.status == "invalid" and "2" in job.errors[0]["message"]
    assert Customer.objects.count() == 0 and OwnershipChange.objects.count() == 0
