"""Tabular imports (CSV and XLSX) that check every row before writing any.

An :class:`Importer` names its columns (Chinese and English headers), the keys that match existing records on
re-import, and how one row becomes a record. :func:`read_table` parses a file, :func:`validate_rows` checks rows
(in chunks, so the web page can show progress), :func:`write_rows` writes all of them in one transaction —
or nothing, if any row is bad.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    required: bool = False


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self):
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Importer:
    """One kind of import. ``prepare(values, actor, key) -> (instance, created)`` raises ValidationError."""

    name: str
    label: object
    columns: list[Column]
    keys: dict[str, object]  # key field -> label
    prepare: Callable
    save: Callable  # save(instance, values, actor) after prepare, inside the write transaction
    key_of: Callable = field(default=lambda values, key: values.get(key) or None)

    def header_map(self, headers: list[str]) -> tuple[dict[int, str], list[str]]:
        """Column index -> field, and the names of required columns that are missing."""
        lookup = {}
        for column in self.columns:
            for name in (column.zh, column.en, column.field):
                lookup[name.strip().lower()] = column.field
        mapping = {i: lookup[h.strip().lower()] for i, h in enumerate(headers) if h and h.strip().lower() in lookup}
        missing = [f"{c.zh} / {c.en}" for c in self.columns if c.required and c.field not in mapping.values()]
        return mapping, missing

    def template(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.name
        sheet.append([f"{c.zh}" for c in self.columns])
        sheet.append([f"{c.en}" + (" *" if c.required else "") for c in self.columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, missing required columns)."""


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a damaged file
            raise ImportFileError(_("This is not a readable XLSX file: %(error)s") % {"error": exc}) from None
        rows = [["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)) for v in row]
                for row in workbook.active.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK encoded."))
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise ImportFileError(_("Upload a .xlsx or .csv file."))
    rows = [r for r in rows if any(str(v).strip() for v in r)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return [str(h) for h in rows[0]], rows[1:]


def rows_as_values(importer: Importer, headers: list[str], rows: list[list[str]]) -> list[dict]:
    mapping, missing = importer.header_map(headers)
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)})
    # A second header row of English names (as in our template) is skipped.
    if rows and importer.header_map(rows[0])[0] and not importer.header_map(rows[0])[1]:
        first = {str(v).strip().rstrip(" *").lower() for v in rows[0]}
        if first & {c.en.lower() for c in importer.columns}:
            rows = rows[1:]
    return [{field: str(row[i]).strip() if i < len(row) else "" for i, field in mapping.items()} for row in rows]


def label_of(importer: Importer, field_name: str) -> str:
    for column in importer.columns:
        if column.field == field_name:
            return column.zh if (get_language() or "").startswith("zh") else column.en
    return field_name


def validate_rows(importer, values_list, *, actor, key, start=0, stop=None, seen_keys=None):
    """Check rows [start, stop); return their errors. Line numbers count the header as line 1."""
    errors: list[RowError] = []
    seen_keys = {} if seen_keys is None else seen_keys
    for index in range(start, min(stop or len(values_list), len(values_list))):
        values = values_list[index]
        line = index + 2
        for column in importer.columns:
            if column.required and not values.get(column.field):
                errors.append(RowError(line, label_of(importer, column.field), _("This value is required.")))
        if key:
            key_value = importer.key_of(values, key)
            if key_value:
                if key_value in seen_keys:
                    errors.append(RowError(line, label_of(importer, key),
                                           _("Same %(key)s as line %(other)s.") % {"key": importer.keys[key],
                                                                                 "other": seen_keys[key_value]}))
                seen_keys[key_value] = line
        if any(e.line == line for e in errors):
            continue
        try:
            with transaction.atomic():
                importer.prepare(values, actor, key)
                transaction.set_rollback(True)  # only checking: prepare may have touched related rows
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field_name, messages in exc.message_dict.items():
                    column = label_of(importer, field_name) if field_name != "__all__" else ""
                    errors.extend(RowError(line, column, m) for m in messages)
            else:
                errors.extend(RowError(line, "", m) for m in exc.messages)
    return errors


@transaction.atomic
def write_rows(importer, values_list, *, actor, key) -> dict:
    """Write every row, or nothing: any ValidationError rolls the whole import back."""
    created = updated = 0
    for index, values in enumerate(values_list):
        try:
            instance, is_new = importer.prepare(values, actor, key)
            importer.save(instance, values, actor)
        except ValidationError as exc:
            raise ValidationError(_("Line %(line)s: %(error)s") % {"line": index + 2,
                                                                 "error": " ".join(exc.messages)}) from None
        created += is_new
        updated += not is_new
    return {"created": created, "updated": updated}


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make an importer available on the web (/import/<name>/) and in the CLI (salesflow import <name> FILE)."""
    from .registry import importers

    IMPORTERS[importer.name] = importer

    def run_cli(path, *, stdout=None, key=None, dry_run=False):
        from .import_cli import run_file_import

        return run_file_import(importer, path, stdout=stdout, key=key, dry_run=dry_run)

    importers.register(importer.name, f"{importer.name} from XLSX or CSV (--key: {', '.join(importer.keys)})")(
        run_cli)
    return importer


KEY_NONE = gettext_lazy("(no key: always create)")
