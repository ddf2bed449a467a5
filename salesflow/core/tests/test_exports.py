import csv
import io

from openpyxl import load_workbook

from salesflow.core.exports import safe_cell
from salesflow.core.models import AuditEntry
from salesflow.testing.factories import make_customer


def test_formula_like_text_is_neutralised_but_numbers_are_not():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("+86 123") == "'+86 123"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell(-5) == -5
    assert safe_cell("普通文本") == "普通文本"


def test_xlsx_export_reads_back_only_visible_rows_and_is_audited(org, client_for):
    make_customer(org.rep_a, name="=cmd|' /C calc'!A0")
    make_customer(org.rep_a, name="我的客户")
    make_customer(org.rep_b, name="别人的客户")
    response = client_for(org.rep_a).get("/customers/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["'=cmd|' /C calc'!A0", "我的客户"]
    assert AuditEntry.objects.filter(action="export", actor=org.rep_a).count() == 1


def test_csv_export_has_bom_and_headers(org, client_for):
    make_customer(org.rep_a, name="CSV客户")
    response = client_for(org.rep_a).get("/customers/?export=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][1] == "CSV客户"
    assert len(rows) == 2
