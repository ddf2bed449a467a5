"""CSV/XLSX export that spreadsheet programs cannot be tricked into executing (no formula injection)."""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

from . import audit
from .replica import heavy_reads

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe; numbers pass untouched."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


@heavy_reads
def export_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence], audit_target=None, note=""
) -> HttpResponse:
    """Build a CSV or XLSX download. ``audit_target`` (e.g. the model class's first row or a user) is logged."""
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(headers))
        count = 0
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
            count += 1
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # BOM so Excel opens UTF-8 Chinese text correctly
        writer = csv.writer(buffer)
        writer.writerow(headers)
        count = 0
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    if audit_target is not None:
        audit.record(audit_target, "export", changes={"format": fmt, "rows": count}, note=note)
    return response
