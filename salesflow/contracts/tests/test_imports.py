"""salesflow import contracts|payments|invoices and the web import: round trips (CSV and XLSX, English and Chinese
headers), every problem of every bad row reported with nothing written, re-import by number, payments counted
once, over-collection, the default plan, allocation oldest due first, and per-row permissions."""

import datetime
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from salesflow.contracts.imports.payments import payment_key
from salesflow.contracts.models import Agreement, Instalment, Invoice, Payment, PaymentAllocation
from salesflow.testing.factories import make_customer

FIXTURES = Path(__file__).parent / "fixtures"
CREDIT_CODE = "91350100M000100Y43"
D = datetime.date


def xlsx(rows, name="file.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def csv_file(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(kind, path, *args):
    out = io.StringIO()
    call_command("import", kind, str(path), *args, stdout=out)
    return out.getvalue()


def cli_problems(kind, path, *args):
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", kind, str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def customers(org):
    return (make_customer(org.rep_a, name="东方机械有限公司"),
            make_customer(org.rep_a, name="福州贸易有限公司", credit_code=CREDIT_CODE),
            make_customer(org.rep_b, name="西部能源有限公司"))


@pytest.fixture
def contracts(org, customers, tmp_path):
    """HT-IMP-0001 (120,000.00, signed 2026-01-10, 30 days) and DD-IMP-0001 (5,000.50), both rep_a's, active."""
    run_cli("contracts", FIXTURES / "contracts_en.csv")
    return Agreement.objects.get(number="HT-IMP-0001"), Agreement.objects.get(number="DD-IMP-0001")


def rep_b_contract(org, customers):
    from salesflow.contracts.agreements.services import create_agreement

    return create_agreement(actor=org.rep_b, number="HT-WEST-0001", data={
        "kind": "contract", "customer": customers[2], "owner": org.rep_b, "signed_on": D(2026, 1, 5),
        "amount": Decimal("80000.00"), "currency": "CNY", "payment_terms_days": 30, "status": "active"})


# --- contracts --------------------------------------------------------------------------------------------------------

def test_cli_imports_contracts_from_csv_with_english_headers(org, customers):
    output = run_cli("contracts", FIXTURES / "contracts_en.csv")
    assert "2 created, 0 updated" in output
    contract = Agreement.objects.get(number="HT-IMP-0001")
    assert (contract.kind, contract.customer, contract.owner, contract.team) == ("contract", customers[0], org.rep_a,
                                                                                org.east1)
    assert (contract.signed_on, contract.start_on, contract.end_on) == (D(2026, 1, 10), D(2026, 1, 15),
                                                                        D(2026, 12, 31))
    assert (contract.amount, contract.currency, contract.status, contract.payment_terms_days) == (
        Decimal("120000.00"), "CNY", "active", 30)
    order = Agreement.objects.get(number="DD-IMP-0001")
    assert (order.kind, order.customer, order.amount, order.payment_terms_days) == (
        "order", customers[1], Decimal("5000.50"), 45)  # customer found by its credit code


def test_contract_imported_without_a_plan_gets_one_instalment_due_after_its_payment_terms(contracts):
    contract, order = contracts
    assert list(contract.instalments.values_list("sequence", "due_on", "amount")) == [
        (1, D(2026, 2, 9), Decimal("120000.00"))]  # 2026-01-10 + 30 days
    assert list(order.instalments.values_list("due_on", "amount")) == [(D(2026, 3, 18), Decimal("5000.50"))]
    contract.refresh_from_db()
    assert contract.planned_amount == contract.amount


def test_web_import_of_contracts_xlsx_with_chinese_headers(org, customers, client_for, web_import):
    client = client_for(org.rep_a)
    file = xlsx([["合同编号", "类型", "客户", "签订日期", "金额", "付款期限(天)"],
                 ["HT-WEB-0001", "合同", "东方机械有限公司", D(2026, 3, 1), 30000, 60],
                 ["HT-WEB-0002", "订单", CREDIT_CODE, "2026-03-02", "8,000.00", ""]])
    job = web_import.upload(client, "contracts", file, key="number")
    assert job.status == "ready", job.errors
    job = web_import.confirm(client, job)
    assert job.result == {"created": 2, "updated": 0}
    first = Agreement.objects.get(number="HT-WEB-0001")
    assert (first.owner, first.signed_on, first.amount, first.payment_terms_days) == (
        org.rep_a, D(2026, 3, 1), Decimal("30000.00"), 60)  # no owner column: the importing rep
    assert list(first.instalments.values_list("due_on", flat=True)) == [D(2026, 4, 30)]
    second = Agreement.objects.get(number="HT-WEB-0002")
    assert (second.kind, second.customer, second.payment_terms_days) == ("order", customers[1], 30)


def test_every_problem_of_every_bad_contract_row_is_reported_and_nothing_is_written(org, customers, client_for,
                                                                                    web_import):
    file = xlsx([["合同编号", "类型", "客户", "负责人", "签订日期", "开始日期", "结束日期", "金额", "币种", "状态",
                  "付款期限(天)"],
                 ["HT-OK-0001", "合同", "东方机械有限公司", "rep_a", "2026-01-10", "", "", "1000", "CNY", "", "30"],
                 ["HT-BAD-0001", "租赁", "不存在的公司", "nobody", "2026-13-01", "2026-05-01", "2026-04-01", "12.345",
                  "RMB1", "签了", "三十"],
                 ["HT-OK-0001", "订单", "东方机械有限公司", "", "", "", "", "", "", "", ""]])
    job = web_import.upload(client_for(org.rep_a), "contracts", file, key="number")
    assert job.status == "invalid"
    assert job.errors == [
        {"line": 3, "column": "类型", "message": "“租赁”不是允许的值：contract, order, 合同, 订单。"},
        {"line": 3, "column": "签订日期", "message": "“2026-13-01”不是日期，请写成 YYYY-MM-DD，例如 2026-01-31。"},
        {"line": 3, "column": "金额", "message": "金额最多两位小数（分）。"},
        {"line": 3, "column": "付款期限(天)", "message": "“三十”不是整数天数。"},
        {"line": 3, "column": "客户", "message": "没有你可见的名为“不存在的公司”（或该信用代码）的客户。"},
        {"line": 3, "column": "负责人", "message": "没有名为“nobody”的在职用户。"},
        {"line": 3, "column": "币种", "message": "币种是三个字母，例如 CNY。"},
        {"line": 3, "column": "结束日期", "message": "结束日期早于开始日期。"},
        {"line": 3, "column": "状态", "message": "“签了”不是允许的值：draft, pending, active, completed, "
                                                 "terminated, 草稿, 审批中, 待审批, 生效, 执行中, 已生效, 完成, "
                                                 "已完成, 终止, 已终止。"},
        {"line": 4, "column": "签订日期", "message": "此项为必填。"},
        {"line": 4, "column": "金额", "message": "此项为必填。"},
        {"line": 4, "column": "合同编号", "message": "与第 2 行的“合同编号”相同。"},
    ]
    assert not Agreement.objects.exists() and not Instalment.objects.exists()


def test_reimported_contract_file_updates_the_contracts_instead_of_duplicating(org, contracts, tmp_path):
    text = (FIXTURES / "contracts_en.csv").read_text(encoding="utf-8").replace("2026-12-31", "2027-06-30")
    output = run_cli("contracts", csv_file(tmp_path, text))
    assert "0 created, 2 updated" in output
    assert Agreement.objects.count() == 2
    contract = Agreement.objects.get(number="HT-IMP-0001")
    assert contract.end_on == D(2027, 6, 30) and contract.amount == Decimal("120000.00")
    assert contract.instalments.count() == 1


def test_rep_cannot_import_onto_another_reps_contract_nor_give_one_away(org, customers, tmp_path):
    theirs = rep_b_contract(org, customers)
    path = csv_file(tmp_path, "number,kind,customer,owner,signed_on,amount\n"
                              "HT-WEST-0001,contract,西部能源有限公司,rep_a,2026-01-05,1\n"
                              "HT-GIFT-0001,contract,东方机械有限公司,rep_b,2026-01-05,100\n")
    out = cli_problems("contracts", path, "--user", "rep_a")
    assert "line 2: 合同编号 此行匹配到合同 HT-WEST-0001，你无权修改，请联系其负责人 rep_b。" in out
    assert "line 3: 负责人 你只能把合同交给自己或自己团队及下级团队的成员。" in out
    theirs.refresh_from_db()
    assert (theirs.amount, theirs.owner) == (Decimal("80000.00"), org.rep_b)
    assert Agreement.objects.count() == 1


def test_manager_imports_a_contract_for_a_rep_of_their_team(org, customers, tmp_path):
    path = csv_file(tmp_path, "number,kind,customer,owner,signed_on,amount\n"
                              "HT-MGR-0001,contract,东方机械有限公司,rep_a2,2026-01-05,100\n")
    assert "1 created" in run_cli("contracts", path, "--user", "manager_east")
    contract = Agreement.objects.get(number="HT-MGR-0001")
    assert (contract.owner, contract.team) == (org.rep_a2, org.east1)


# --- payments ---------------------------------------------------------------------------------------------------------

def test_cli_imports_payments_and_allocates_them_oldest_due_first(org, contracts, tmp_path):
    from salesflow.contracts.receivables.services import replace_plan

    contract = contracts[0]
    replace_plan(contract, [{"due_on": D(2026, 6, 30), "amount": Decimal("70000.00")},
                            {"due_on": D(2026, 3, 31), "amount": Decimal("50000.00")}], actor=org.rep_a)
    path = csv_file(tmp_path, "contract_number,received_on,amount,method,reference\n"
                              "HT-IMP-0001,2026-04-01,60000,bank_transfer,BANK-0001\n")
    assert "1 created, 0 updated" in run_cli("payments", path)
    payment = Payment.objects.get()
    assert (payment.agreement, payment.received_on, payment.amount, payment.method, payment.reference) == (
        contract, D(2026, 4, 1), Decimal("60000.00"), "bank_transfer", "BANK-0001")
    assert payment.idempotency_key == payment_key("HT-IMP-0001", D(2026, 4, 1), Decimal("60000"), "BANK-0001")
    allocations = PaymentAllocation.objects.order_by("instalment__due_on")
    assert [(a.instalment.due_on, a.amount) for a in allocations] == [(D(2026, 3, 31), Decimal("50000.00")),
                                                                      (D(2026, 6, 30), Decimal("10000.00"))]
    contract.refresh_from_db()
    assert contract.collected_amount == Decimal("60000.00")


def test_reimported_payment_file_is_counted_once(org, contracts, tmp_path):
    run_cli("payments", FIXTURES / "payments_en.csv")
    # the same payments again, written differently (120000 vs 120,000.00 style, Chinese headers, XLSX via web)
    output = run_cli("payments", csv_file(tmp_path, "合同编号,回款日期,金额,方式,流水号\n"
                                                    "HT-IMP-0001,2026-02-05,\"50,000.00\",银行转账,BANK-0001\n"
                                                    "DD-IMP-0001,2026-03-01,5000.5,支票,\n"))
    assert "0 created, 2 updated" in output
    assert Payment.objects.count() == 2
    contract, order = contracts
    contract.refresh_from_db()
    order.refresh_from_db()
    assert (contract.collected_amount, order.collected_amount) == (Decimal("50000.00"), Decimal("5000.50"))


def test_web_import_of_payments_xlsx_with_chinese_headers(org, contracts, client_for, web_import):
    client = client_for(org.finance)
    file = xlsx([["合同编号", "回款日期", "回款金额", "回款方式", "流水号"],
                 ["HT-IMP-0001", D(2026, 2, 5), 20000, "承兑汇票", "B-1"],
                 ["HT-IMP-0001", D(2026, 2, 6), 20000, "", "B-2"]])
    job = web_import.confirm(client, web_import.upload(client, "payments", file, key="payment"))
    assert job.result == {"created": 2, "updated": 0}, job.errors
    assert list(Payment.objects.order_by("received_on").values_list("method", "amount", "recorded_by")) == [
        ("acceptance_bill", Decimal("20000.00"), org.finance.pk), ("bank_transfer", Decimal("20000.00"),
                                                                   org.finance.pk)]
    contracts[0].refresh_from_db()
    assert contracts[0].collected_amount == Decimal("40000.00")


def test_over_collection_rows_are_reported_and_nothing_is_written(org, contracts, tmp_path):
    path = csv_file(tmp_path, "contract_number,received_on,amount,method,reference\n"
                              "DD-IMP-0001,2026-03-01,5000.50,,A\n"
                              "HT-IMP-0001,2026-03-01,100000,,B\n"
                              "HT-IMP-0001,2026-03-02,20000.01,,C\n")
    out = cli_problems("payments", path)
    assert out.splitlines() == [
        "line 4: 金额 超额回款：20,000.01 超过合约 HT-IMP-0001 的未回款金额 20,000.00。"]
    assert not Payment.objects.exists()


def test_every_problem_of_every_bad_payment_row_is_reported(org, contracts, tmp_path):
    path = csv_file(tmp_path, "contract_number,received_on,amount,method,reference\n"
                              "HT-NONE-0001,2026-02-30,-5,刷卡,\n"
                              ",,,现金,\n"
                              "HT-IMP-0001,2026-03-01,10,,R\n"
                              "HT-IMP-0001,2026-03-01,10.00,,R\n")
    out = cli_problems("payments", path)
    assert out.splitlines() == [
        "line 2: 合同编号 没有编号为“HT-NONE-0001”的合同或订单。",
        "line 2: 回款日期 “2026-02-30”不是日期，请写成 YYYY-MM-DD，例如 2026-01-31。",
        "line 2: 金额 金额必须大于零。",
        "line 2: 方式 “刷卡”不是允许的值：bank_transfer, acceptance_bill, cheque, cash, other, 银行转账, 转账, "
        "电汇, 承兑汇票, 银行承兑汇票, 承兑, 支票, 现金, 其他。",
        "line 3: 合同编号 此项为必填。",
        "line 3: 回款日期 此项为必填。",
        "line 3: 金额 此项为必填。",
        "line 5: 流水号 合同编号、回款日期、金额和流水号与第 4 行相同：只会计为一笔。请为每笔回款填写银行流水号。",
    ]
    assert not Payment.objects.exists()


def test_rep_cannot_import_a_payment_onto_another_reps_contract(org, customers, contracts, tmp_path):
    rep_b_contract(org, customers)
    path = csv_file(tmp_path, "contract_number,received_on,amount\nHT-WEST-0001,2026-02-01,100\n"
                              "HT-IMP-0001,2026-02-01,100\n")
    out = cli_problems("payments", path, "--user", "rep_b")
    assert out.splitlines() == ["line 3: 合同编号 合同 HT-IMP-0001 不是你的：你不能为它登记回款，请联系其负责人 "
                                "rep_a 或财务。"]
    assert not Payment.objects.exists()


# --- invoices ---------------------------------------------------------------------------------------------------------

def test_cli_imports_invoices_and_reimport_by_number_updates_them(org, contracts, tmp_path):
    assert "2 created, 0 updated" in run_cli("invoices", FIXTURES / "invoices_en.csv", "--user", "finance")
    first = Invoice.objects.get(number="04400001")
    assert (first.agreement, first.type, first.amount, first.tax_rate, first.status, first.issued_on) == (
        contracts[0], "special", Decimal("60000.00"), Decimal("13.00"), "issued", D(2026, 2, 10))
    assert first.tax == Decimal("6902.65")  # 60000 / 1.13 * 0.13
    second = Invoice.objects.get(number="04400002")
    assert (second.type, second.tax_rate) == ("normal", Decimal("13.00"))  # 0.13 read as 13 %
    text = (FIXTURES / "invoices_en.csv").read_text(encoding="utf-8").replace("60000", "70000")
    assert "0 created, 2 updated" in run_cli("invoices", csv_file(tmp_path, text), "--user", "finance")
    assert Invoice.objects.count() == 2
    first.refresh_from_db()
    contracts[0].refresh_from_db()
    assert first.amount == Decimal("70000.00") and contracts[0].invoiced_amount == Decimal("70000.00")


def test_web_import_of_invoices_with_chinese_headers(org, contracts, client_for, web_import):
    client = client_for(org.finance)
    file = xlsx([["合同编号", "发票号码", "发票类型", "金额", "税率", "开票日期"],
                 ["HT-IMP-0001", "04400009", "专票", 1000, "6%", D(2026, 5, 1)]])
    job = web_import.confirm(client, web_import.upload(client, "invoices", file, key="number"))
    assert job.result == {"created": 1, "updated": 0}, job.errors
    invoice = Invoice.objects.get()
    assert (invoice.type, invoice.tax_rate, invoice.issued_by) == ("special", Decimal("6.00"), org.finance)
    again = xlsx([["合同编号", "发票号码", "金额", "开票日期"], ["HT-IMP-0001", "04400009", 1000, D(2026, 5, 1)]])
    job = web_import.confirm(client, web_import.upload(client, "invoices", again, key="number"))
    assert job.result == {"created": 0, "updated": 1}, job.errors
    invoice.refresh_from_db()
    assert (invoice.type, invoice.tax_rate) == ("special", Decimal("6.00"))  # empty cells leave them unchanged


def test_invoice_rows_over_the_contract_amount_are_reported_and_nothing_is_written(org, contracts, tmp_path):
    path = csv_file(tmp_path, "contract_number,number,type,amount,tax_rate,issued_on\n"
                              "DD-IMP-0001,1001,normal,5000,13,2026-03-02\n"
                              "DD-IMP-0001,1002,normal,0.51,13,2026-03-02\n"
                              "DD-IMP-0001,1001,普票,1,13,2026-03-02\n")
    out = cli_problems("invoices", path, "--user", "finance")
    assert out.splitlines() == [
        "line 3: 金额 开票总额将超过 DD-IMP-0001 的金额：还可开票 0.50。",
        "line 4: 发票号码 与第 2 行的“发票号码”相同。",
        "line 4: 金额 开票总额将超过 DD-IMP-0001 的金额：还可开票 0.50。",  # rows 2 and 4 are both new
    ]
    assert not Invoice.objects.exists()


def test_only_finance_imports_invoices(org, customers, contracts, tmp_path):
    path = csv_file(tmp_path, "contract_number,number,amount,issued_on\nHT-IMP-0001,2001,100,2026-03-02\n")
    out = cli_problems("invoices", path, "--user", "rep_a")  # even on their own contract
    assert out.splitlines() == ["line 2: 合同编号 只有财务可以导入发票（导入的是已开具的发票）；"
                                "请财务为 HT-IMP-0001（负责人：rep_a）导入。"]
    assert not Invoice.objects.exists()


# --- templates --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "zh", "en"), [
    ("contracts", ["合同编号", "类型", "客户", "负责人", "签订日期", "开始日期", "结束日期", "金额", "币种", "状态",
                   "付款期限(天)"],
     ["number", "kind", "customer", "owner", "signed_on", "start_on", "end_on", "amount", "currency", "status",
      "payment_terms"]),
    ("payments", ["合同编号", "回款日期", "金额", "方式", "流水号"],
     ["contract_number", "received_on", "amount", "method", "reference"]),
    ("invoices", ["合同编号", "发票号码", "发票类型", "金额", "税率", "开票日期"],
     ["contract_number", "number", "type", "amount", "tax_rate", "issued_on"]),
])
def test_template_download_has_the_exact_headers_and_a_notes_sheet(org, client_for, kind, zh, en):
    response = client_for(org.rep_a).get(f"/import/{kind}/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == zh
    assert [h.rstrip(" *") for h in rows[1]] == en
    notes = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert [r[0] for r in notes[1:]] == zh and all(r[3] for r in notes[1:])


def test_cli_imports_contracts_from_xlsx_with_english_headers_and_date_cells(org, customers, tmp_path):
    path = tmp_path / "contracts.xlsx"
    with path.open("wb") as target:
        shutil.copyfileobj(xlsx([["number", "kind", "customer", "signed_on", "amount", "owner"],
                                 ["HT-X-1", "order", "东方机械有限公司", D(2026, 1, 1), 10, "rep_a"]]), target)
    assert "1 created" in run_cli("contracts", path)
    contract = Agreement.objects.get(number="HT-X-1")
    assert (contract.kind, contract.signed_on, contract.amount) == ("order", D(2026, 1, 1), Decimal("10.00"))


# --- updates that need the agreement's own rules ------------------------------------------------------------------

def test_reimport_cannot_change_the_approved_terms_of_an_active_contract(org, contracts, tmp_path):
    text = (FIXTURES / "contracts_en.csv").read_text(encoding="utf-8").replace('"120,000.00"', "130000")
    out = cli_problems("contracts", csv_file(tmp_path, text))
    (line,) = out.splitlines()
    assert line.startswith("line 2: 金额 合同 HT-IMP-0001 为“")
    assert line.endswith("”：这项修改需要重新审批，请在合同页面选择“修订”。")
    contracts[0].refresh_from_db()
    assert contracts[0].amount == Decimal("120000.00") and contracts[0].status == "active"


def test_reimport_with_a_new_status_moves_the_contract_through_change_status(org, contracts, tmp_path):
    text = (FIXTURES / "contracts_en.csv").read_text(encoding="utf-8").replace("CNY,active,30", "CNY,已完成,30")
    assert "0 created, 2 updated" in run_cli("contracts", csv_file(tmp_path, text), "--user", "rep_a")
    contract = Agreement.objects.get(number="HT-IMP-0001")
    assert contract.status == "completed"
    assert list(contract.status_changes.values_list("from_status", "to_status", "by"))[-1] == (
        "active", "completed", org.rep_a.pk)
    back = text.replace("CNY,已完成,30", "CNY,draft,30")
    out = cli_problems("contracts", csv_file(tmp_path, back, "back.csv"), "--user", "rep_a")
    assert "line 2: 状态 “" in out and "”的合同不能通过导入改为“" in out  # status labels: the model's catalogue


def test_finance_cannot_import_contracts(org, customers, tmp_path):
    path = csv_file(tmp_path, "number,kind,customer,owner,signed_on,amount\n"
                              "HT-FIN-0001,contract,东方机械有限公司,rep_a,2026-01-05,100\n")
    out = cli_problems("contracts", path, "--user", "finance")
    assert out.splitlines() == ["line 2: 合同编号 你的角色不能创建合同或订单。"]
    assert not Agreement.objects.exists()


def test_payment_on_a_draft_contract_is_reported(org, customers, tmp_path):
    path = csv_file(tmp_path, "number,kind,customer,owner,signed_on,amount\n"
                              "HT-DRAFT-0001,contract,东方机械有限公司,rep_a,2026-01-05,100\n")
    run_cli("contracts", path)
    payments = csv_file(tmp_path, "合同编号,回款日期,金额\nHT-DRAFT-0001,2026-02-01,100\n", "p.csv")
    out = cli_problems("payments", payments)
    assert out.splitlines() == ["line 2: 合同编号 只能为执行中的合约登记回款（该合约状态为草稿）。"]


def test_reimported_invoice_may_not_take_the_invoiced_total_over_the_amount(org, contracts, tmp_path):
    run_cli("invoices", FIXTURES / "invoices_en.csv", "--user", "finance")
    text = (FIXTURES / "invoices_en.csv").read_text(encoding="utf-8").replace("5000.50,0.13", "5000.51,0.13")
    out = cli_problems("invoices", csv_file(tmp_path, text), "--user", "finance")
    assert out.splitlines() == ["line 3: 金额 开票总额将超过 DD-IMP-0001 的金额：还可开票 0.00。"]
    assert Invoice.objects.get(number="04400002").amount == Decimal("5000.50")


def test_import_page_explains_every_column_in_chinese(org, client_for):
    page = client_for(org.finance).get("/import/payments/").content.decode()
    assert "回款对应的合同或订单编号。" in page and "合同编号、回款日期、金额和流水号共同标识一笔回款" in page
    assert 'data-testid="import-columns"' in page
    form = client_for(org.rep_a).get("/import/contracts/").content.decode()
    assert '<option value="number" selected>' in form and "(no key" not in form and "不匹配" not in form


def test_rep_cannot_import_a_contract_as_already_active_but_may_submit_it_for_approval(org, customers, client_for,
                                                                                      web_import):
    from salesflow.approvals.services import pending_for

    client = client_for(org.rep_a)
    rows = [["合同编号", "类型", "客户", "签订日期", "金额", "状态"],
            ["HT-REP-0001", "合同", "东方机械有限公司", "2026-03-01", "200000", "生效"]]
    job = web_import.upload(client, "contracts", xlsx(rows), key="number")
    assert job.status == "invalid" and [e["column"] for e in job.errors] == ["状态"]
    assert job.errors[0]["message"].startswith("只有管理员可以导入已经是“")
    assert not Agreement.objects.exists()
    rows[1][5] = "审批中"
    rows.append(["HT-REP-0002", "合同", "东方机械有限公司", "2026-03-01", "5000", "pending"])
    job = web_import.confirm(client, web_import.upload(client, "contracts", xlsx(rows), key="number"))
    assert job.result == {"created": 2, "updated": 0}, job.errors
    big, small = Agreement.objects.get(number="HT-REP-0001"), Agreement.objects.get(number="HT-REP-0002")
    assert big.status == "pending" and pending_for(big) is not None  # 200,000 needs the manager
    assert small.status == "active" and pending_for(small) is None  # no rule below 100,000


def test_list_pages_offer_the_imports(org, client_for):
    assert 'data-testid="import-agreements"' in client_for(org.rep_a).get("/contracts/agreements/").content.decode()
    assert 'data-testid="import-payments"' in client_for(org.rep_a).get("/contracts/payments/").content.decode()
    assert 'data-testid="import-invoices"' in client_for(org.finance).get("/contracts/invoices/").content.decode()
    assert 'data-testid="import-invoices"' not in client_for(org.rep_a).get("/contracts/invoices/").content.decode()


def test_cli_imports_a_gbk_csv_with_chinese_headers_and_values(org, customers):
    assert "2 created" in run_cli("contracts", FIXTURES / "contracts_zh_gbk.csv")
    contract = Agreement.objects.get(number="HT-ZH-0001")
    assert (contract.kind, contract.signed_on, contract.amount, contract.status, contract.payment_terms_days) == (
        "contract", D(2026, 4, 1), Decimal("88000.00"), "active", 15)
    assert list(contract.instalments.values_list("due_on", flat=True)) == [D(2026, 4, 16)]
    order = Agreement.objects.get(number="DD-ZH-0001")
    assert (order.kind, order.customer, order.amount, order.currency, order.status) == (
        "order", customers[1], Decimal("1200.00"), "CNY", "completed")
