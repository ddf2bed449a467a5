"""The import framework: hostile files refused while streaming, background checking, the one-time confirm."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.db import connection
from openpyxl import Workbook

from salesflow.core.imports import ImportFileError, Limits, read_table
from salesflow.core.models import ImportJob
from salesflow.customers.models import Customer, OwnershipChange

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
                 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 'Target="worksheets/sheet1.xml"/></Relationships>')


def bomb_xlsx(rows: int, cell: str = "x", varied: bool = False) -> bytes:
    """A hand-built XLSX whose one sheet repeats a row ``rows`` times: tiny compressed, huge unpacked.
    ``varied`` numbers the rows, so the file compresses like real data (and passes the ratio check)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write('<row><c t="inlineStr"><is><t>客户名称</t></is></c></row>'.encode())
            row = f'<row><c t="inlineStr"><is><t>{cell}</t></is></c></row>'.encode()
            block = row * 10_000
            for n in range(rows // 10_000):
                if varied:
                    block = "".join(f'<row><c t="inlineStr"><is><t>{cell}{n}{i * 7919 % 10007}</t></is></c>'
                                    f'<c><v>{i * 104729 % 1000003}</v></c></row>' for i in range(10_000)).encode()
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="customers.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return file


def test_xlsx_expanding_to_millions_of_rows_is_refused_fast_at_upload(org, client_for):
    content = bomb_xlsx(3_000_000)  # ~190 MB of sheet XML in ~0.5 MB
    assert len(content) < 2_000_000
    started = time.monotonic()
    response = client_for(org.rep_a).post("/import/customers/", {"file": upload(content)})
    assert time.monotonic() - started < 5  # the zip directory is read, never the contents
    assert response.status_code == 400
    assert "压缩炸弹" in response.content.decode()
    assert not ImportJob.objects.exists()  # nothing stored


def test_rows_beyond_the_limit_stop_the_streaming_read_with_bounded_memory(settings):
    # Within the unpacked-size bound, so it is read as a stream: the row bound stops it early.
    content = bomb_xlsx(1_000_000, varied=True)
    limits = Limits(max_bytes=20 * 2**20, max_rows=20_000, max_columns=100, max_cell_chars=10_000,
                    max_xml_bytes=400 * 2**20)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="20000"):
        read_table("bomb.xlsx", content, limits)
    assert time.monotonic() - started < 10
    tracemalloc.start()
    with pytest.raises(ImportFileError, match="20000"):
        read_table("bomb.xlsx", content, limits)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 2**20, peak


def test_small_xlsx_with_a_300_mb_cell_is_refused_at_upload_and_not_stored(org, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/'
                            'spreadsheetml/2006/main"><sheetData><row><c t="s"><v>0</v></c></row></sheetData>'
                            '</worksheet>')]:
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * 2**20
            for _ in range(300):
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
    content = buffer.getvalue()
    assert len(content) < 1_000_000
    started = time.monotonic()
    response = client_for(org.rep_a).post("/import/customers/", {"file": upload(content)})
    assert time.monotonic() - started < 5  # the zip directory is read, never the contents
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_cell_just_over_the_length_limit_is_refused_with_its_place(org, client_for, web_import, settings):
    settings.IMPORT_MAX_CELL_CHARS = 100
    job = web_import.upload(client_for(org.rep_a), "customers",
                            upload(xlsx([["客户名称", "备注"], ["甲公司", "x" * 100], ["乙公司", "y" * 101]])))
    assert job.status == "invalid"
    assert job.errors[0]["message"] == "第 3 行第 2 列超过 100 个字符，已拒绝。"
    assert job.payload is None and job.rows == []
    assert Customer.objects.count() == 0


def test_csv_with_too_many_rows_or_columns_is_refused(org, client_for, web_import, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = "客户名称\n" + "".join(f"公司{i}\n" for i in range(5))
    job = web_import.upload(client_for(org.rep_a), "customers", upload(rows.encode(), "c.csv"))
    assert job.status == "invalid" and "3" in job.errors[0]["message"]
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_COLUMNS = 3
    response = client_for(org.rep_a).post("/import/customers/",
                                          {"file": upload("客户名称,a,b,c\n甲,1,2,3\n".encode(), "c.csv")})
    assert response.status_code == 400 and "第 1 行超过 3 列。" in response.content.decode()


def test_upload_larger_than_the_bound_is_refused_and_not_stored(org, client_for, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = client_for(org.rep_a).post("/import/customers/",
                                          {"file": upload(("客户名称\n" + "甲公司\n" * 500).encode(), "c.csv")})
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_checking_runs_in_the_worker_not_in_the_request(org, client_for, django_capture_on_commit_callbacks):
    from salesflow.core.worker import run_once

    client = client_for(org.rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/import/customers/", {"file": upload(xlsx([["客户名称"], ["甲公司"], ["乙公司"]]))})
    job = ImportJob.objects.get()
    assert job.status == "checking" and job.checked == 0
    page = client.get(f"/import/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="checking"' in page and "hx-get" in page
    job.refresh_from_db()
    assert job.checked == 0  # the page only reads the progress
    run_once()
    job.refresh_from_db()
    assert job.status == "ready" and job.checked == job.total == 2
    assert "甲公司" in client.get(f"/import/jobs/{job.pk}/").content.decode()


def test_second_confirm_says_already_confirmed_and_rows_are_written_once(org, client_for, web_import):
    client = client_for(org.rep_a)
    job = web_import.upload(client, "customers", upload(xlsx([["客户名称"], ["甲公司"], ["乙公司"]])))
    job = web_import.confirm(client, job)
    assert job.status == "done" and job.result == {"created": 2, "updated": 0}
    job = web_import.confirm(client, job)
    assert "此导入已确认。" in web_import.last_response.content.decode()
    assert Customer.objects.count() == 2
    assert OwnershipChange.objects.count() == 2


def test_confirm_while_writing_is_refused_and_a_redelivered_write_task_writes_nothing(
        org, client_for, web_import, django_capture_on_commit_callbacks):
    from salesflow.core.import_jobs import confirm_import, write_import

    client = client_for(org.rep_a)
    job = web_import.upload(client, "customers", upload(xlsx([["客户名称"], ["甲公司"]])))
    with django_capture_on_commit_callbacks(execute=False):
        confirm_import(job_id=job.pk, actor=org.rep_a)
        with pytest.raises(Exception, match="已确认"):
            confirm_import(job_id=job.pk, actor=org.rep_a)
    assert write_import(job.pk).startswith("done")
    assert write_import(job.pk) == "skipped: done"
    assert Customer.objects.count() == 1


def test_other_users_import_job_is_not_found(org, client_for, web_import):
    job = web_import.upload(client_for(org.rep_a), "customers", upload(xlsx([["客户名称"], ["甲公司"]])))
    assert client_for(org.rep_b).get(f"/import/jobs/{job.pk}/").status_code == 404
    assert client_for(org.rep_b).post(f"/import/jobs/{job.pk}/confirm/").status_code == 404
    job.refresh_from_db()
    assert job.status == "ready"


def test_rows_failing_at_write_time_roll_back_everything_and_mark_the_job_invalid(org, client_for, web_import):
    client = client_for(org.rep_a)
    job = web_import.upload(client, "customers",
                            upload(xlsx([["客户名称"], ["甲方科技有限公司"], ["乙方科技有限公司"]])))
    Customer.objects.create(name="乙方科技有限公司", owner=org.rep_b)  # appears between check and confirm
    job = web_import.confirm(client, job)
    assert job.status == "invalid", job.errors
    assert "第 3 行" in job.errors[0]["message"], job.errors
    assert list(Customer.objects.values_list("name", flat=True)) == ["乙方科技有限公司"]


def test_one_importer_registry_and_no_import_cycle():
    import ast
    from pathlib import Path

    import salesflow.core.imports as imports_module
    from salesflow.core.imports import Importer, get_importer
    from salesflow.core.registry import importers

    assert not hasattr(imports_module, "IMPORTERS")
    assert isinstance(get_importer("customers"), Importer) and get_importer("maven-crm") is None
    assert {"customers", "contacts", "leads", "maven-crm"} <= {e.name for e in importers.all()}
    source = Path(imports_module.__file__).read_text()
    names = {getattr(node, "module", None) for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.ImportFrom)}
    assert not names & {"import_cli", "salesflow.core.import_cli", ".import_cli"}
    assert "import_cli" not in source


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="parallel transactions need a server database (runs in --only postgres)")
def test_parallel_confirms_queue_one_write_and_the_others_hear_already_confirmed():
    import threading

    from django.db import connections
    from django_q.models import OrmQ

    from salesflow.core.import_jobs import confirm_import
    from salesflow.org.models import Role
    from salesflow.testing.factories import make_user

    user = make_user("parallel", role=Role.ADMIN)
    job = ImportJob.objects.create(kind="customers", user=user, filename="c.xlsx", status="ready", total=1,
                                   rows=[{"name": "并发客户有限公司"}])
    outcomes, barrier = [], threading.Barrier(5)

    def confirm():
        barrier.wait()
        try:
            confirm_import(job_id=job.pk, actor=user)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001  (the message is what is checked)
            outcomes.append(" ".join(getattr(exc, "messages", [str(exc)])))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["此导入已确认。"] * 4
    assert OrmQ.objects.count() == 1  # one write task queued


def test_xlsx_date_cells_are_read_as_dates_not_serial_numbers():
    import datetime

    when = datetime.datetime(2026, 3, 5, 14, 30)
    content = xlsx([["名称", "日期", "时间"], ["甲公司", when.date(), when]])
    headers, rows = read_table("dates.xlsx", content)
    assert rows[0][1][1:] == ["2026-03-05", "2026-03-05 14:30"]
