import io

import pytest

from openpyxl import Workbook, load_workbook

from salesflow.customers.models import Customer

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
