"""Tabular imports (CSV and XLSX) that check every row before writing any.

An :class:`Importer` names its columns (Chinese and English headers), the keys that match existing records on
re-import, how one row is checked (``prepare``: no writes, raises one ValidationError naming *every* problem of
the row) and how it is written (``save``: through the app's services, as the forms and the API do).
:func:`read_table` streams a file within :class:`Limits` (zip bombs and giant cells are refused while reading),
:func:`validate_rows` checks rows (in chunks, so a job can report progress), :func:`write_rows` writes all of
them in one transaction — or nothing, if any row is bad.

Importers are registered in ``registry.importers`` (the one registry the CLI and the web read).
"""

import contextvars
import csv
import datetime
import io
import posixpath
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException, ElementTree  # refuses DTDs and entity expansion (billion laughs, XXE)
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from .exports import FORMULA_PREFIXES
from .registry import importers

LINE = "__line__"
FORMULAS = "__formulas__"


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    required: bool = False
    in_template: bool = True  # False: columns an export carries (ID, created) that a new file leaves out
    aliases: tuple[str, ...] = ()  # other headers read as this column (e.g. 方式 for 回款方式)
    hint: object = ""  # what the column holds (the import page and the template's notes sheet show it)


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self):
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Importer:
    """One kind of import. ``prepare(values, actor, key) -> (prepared, created)`` raises ValidationError;
    ``save(prepared, values, actor)`` writes it inside the import's transaction."""

    name: str
    label: object
    columns: list[Column]
    keys: dict[str, object]  # key field -> label
    prepare: Callable
    save: Callable
    key_of: Callable = field(default=lambda values, key: values.get(key) or None)
    unique_in_file: tuple[str, ...] = ()  # fields two rows of one file may not share (besides the key)
    # save_new(list of prepared new rows, actor): writes many new rows at once through a batch service
    save_new: Callable | None = None
    # The key used when none is chosen: records with a natural number (contracts, invoices) always match by it
    default_key: str | None = None

    def header_map(self, headers: list[str]) -> tuple[dict[int, str], list[str]]:
        """Column index -> field, and the names of required columns that are missing."""
        lookup = {}
        for column in self.columns:
            for name in (column.zh, column.en, column.field, *column.aliases):
                lookup[name.strip().lower()] = column.field
        mapping = {}
        for i, h in enumerate(headers):
            name = str(h or "").strip().rstrip(" *").lower()
            if name in lookup and lookup[name] not in mapping.values():
                mapping[i] = lookup[name]
        missing = [f"{c.zh} / {c.en}" for c in self.columns if c.required and c.field not in mapping.values()]
        return mapping, missing

    @property
    def has_hints(self) -> bool:
        return any(c.hint for c in self.columns)

    def template(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.name
        columns = [c for c in self.columns if c.in_template]
        sheet.append([f"{c.zh}" for c in columns])
        sheet.append([f"{c.en}" + (" *" if c.required else "") for c in columns])
        if self.has_hints:
            notes = workbook.create_sheet(_("Notes on the columns"))
            notes.append([_("Column (Chinese)"), _("Column (English)"), _("Required"), _("What to enter")])
            for c in columns:
                notes.append([c.zh, c.en, _("yes") if c.required else "", str(c.hint)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def label_of(self, field_name: str) -> str:
        for column in self.columns:
            if column.field == field_name:
                return column.zh if (get_language() or "zh").startswith("zh") else column.en
        return field_name


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, too big, no header, missing required columns)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xml_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(settings.IMPORT_MAX_UPLOAD_BYTES, settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS,
                   settings.IMPORT_MAX_CELL_CHARS, settings.IMPORT_MAX_XML_BYTES)

    @property
    def max_shared_strings_bytes(self) -> int:
        # openpyxl loads all shared strings into memory even in read-only mode: keep that part small.
        return self.max_xml_bytes // 4


MAX_RATIO = 100  # real sheets compress 5-30 times; a zip bomb hundreds of times
MAX_RATIO_FROM_BYTES = 10 * 1024 * 1024


class Formula(str):
    """A cell whose content is a spreadsheet formula (reported, never imported)."""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def check_upload(filename: str, file, limits: Limits | None = None) -> None:
    """Quick refusals before anything is stored: type, size, and for XLSX the unpacked size of each part.

    ``file`` is a binary file object (seekable). Reads only the zip directory, never the contents.
    """
    limits = limits or Limits.from_settings()
    name = filename.lower()
    if not name.endswith((".xlsx", ".csv")):
        raise ImportFileError(_("Upload a .xlsx or .csv file."))
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if size > limits.max_bytes:
        raise ImportFileError(_("The file is larger than %(mb)s MB; split it into smaller files.")
                              % {"mb": _mb(limits.max_bytes)})
    if name.endswith(".xlsx"):
        try:
            parts = zipfile.ZipFile(file).infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ImportFileError(_("This is not a readable XLSX file.")) from None
        finally:
            file.seek(0)
        total = 0
        for part in parts:
            bound = (limits.max_shared_strings_bytes if part.filename.endswith("sharedStrings.xml")
                     else limits.max_xml_bytes)
            total += part.file_size
            ratio = part.file_size / max(part.compress_size, 1)
            if (part.file_size > bound or total > 2 * limits.max_xml_bytes
                    or (part.file_size > MAX_RATIO_FROM_BYTES and ratio > MAX_RATIO)):
                raise ImportFileError(
                    _("The file unpacks to more than %(mb)s MB (a compressed “zip bomb” or a huge cell); "
                      "it was refused.") % {"mb": _mb(bound)})


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(" ", "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bounded(rows, limits: Limits):
    """Yield (line, cells) for non-empty rows, refusing as soon as a bound is passed."""
    count = 0
    for line, cells in rows:
        if len(cells) > limits.max_columns and any(str(v).strip() for v in cells[limits.max_columns:]):
            raise ImportFileError(_("Line %(line)s has more than %(n)s columns.")
                                  % {"line": line, "n": limits.max_columns})
        cells = cells[:limits.max_columns]
        for index, value in enumerate(cells):
            if len(value) > limits.max_cell_chars:
                raise ImportFileError(
                    _("Line %(line)s, column %(column)s holds more than %(n)s characters; it was refused.")
                    % {"line": line, "column": index + 1, "n": limits.max_cell_chars})
        if not any(v.strip() for v in cells):
            continue
        count += 1
        if count > limits.max_rows + 2:  # + the header rows
            raise ImportFileError(_("The file has more than %(n)s rows; split it into smaller files.")
                                  % {"n": limits.max_rows})
        yield line, cells


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _part_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _first_sheet(archive: zipfile.ZipFile) -> str:
    rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    workbook_path = next(r.get("Target") for r in rels.iter(f"{PKG_RELS}Relationship")
                         if r.get("Type", "").endswith("/officeDocument")).lstrip("/")
    workbook = ElementTree.fromstring(archive.read(workbook_path))
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    rel_id = sheet.get(f"{DOC_RELS}id")
    rels_path = posixpath.join(posixpath.dirname(workbook_path), "_rels", posixpath.basename(workbook_path) + ".rels")
    sheet_rels = ElementTree.fromstring(archive.read(rels_path))
    target = next(r.get("Target") for r in sheet_rels.iter(f"{PKG_RELS}Relationship") if r.get("Id") == rel_id)
    return _part_path(workbook_path, target)


def _text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{MAIN}t"))


def _column_index(ref: str | None, default: int) -> int:
    if not ref:
        return default
    index = 0
    for char in ref:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format shows a date (dates are numbers in XLSX)."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in styles.iter(f"{MAIN}numFmt")}
    cell_xfs = styles.find(f"{MAIN}cellXfs")
    dates = set()
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", 0))
        if is_date_format(custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or ""):
            dates.add(index)
    return dates


def _xlsx_rows(file, limits: Limits):
    """Stream the first sheet's rows with expat (bounded parts, checked by check_upload): (line, cells).

    Not openpyxl's read-only reader: for a sheet without a <dimension> element it parses the whole sheet
    before the first row (36 s for a hostile 1M-row file), so no row bound could stop it early. Date formats
    are read with openpyxl's helpers.
    """
    try:
        archive = zipfile.ZipFile(file)
        sheet_path = _first_sheet(archive)
        date_styles = _date_styles(archive)
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as part:
                for _event, element in ElementTree.iterparse(part):
                    if element.tag == f"{MAIN}si":
                        shared.append(_text_of(element))
                        element.clear()
        part = archive.open(sheet_path)
    except (zipfile.BadZipFile, KeyError, StopIteration, AttributeError, ElementTree.ParseError, OSError,
            ValueError, DefusedXmlException) as exc:
        raise ImportFileError(_("This is not a readable XLSX file: %(error)s") % {"error": exc}) from None
    line = 0
    try:
        for _event, element in ElementTree.iterparse(part):
            if element.tag != f"{MAIN}row":
                continue
            line = int(element.get("r") or line + 1)
            cells: list = []
            for position, cell in enumerate(element.iter(f"{MAIN}c")):
                index = _column_index(cell.get("r"), position)
                if index >= limits.max_columns + 1:
                    cells.extend([""] * (limits.max_columns + 1 - len(cells)))
                    cells[limits.max_columns] = "…"
                    break
                kind = cell.get("t", "n")
                value_element = cell.find(f"{MAIN}v")
                raw = value_element.text if value_element is not None and value_element.text else ""
                formula = cell.find(f"{MAIN}f")
                if kind == "s":
                    value = shared[int(raw)] if raw.isdigit() and int(raw) < len(shared) else ""
                elif kind == "inlineStr":
                    value = _text_of(cell)
                elif kind == "b":
                    value = "TRUE" if raw == "1" else ("FALSE" if raw else "")
                elif kind == "n" and raw and int(cell.get("s", 0)) in date_styles:
                    value = _cell_text(from_excel(float(raw)))
                elif kind == "n" and raw:
                    number = float(raw)
                    value = str(int(number)) if number.is_integer() and "e" not in raw.lower() else raw
                else:
                    value = raw
                if formula is not None:
                    value = Formula("=" + (formula.text or ""))
                cells.extend([""] * (index - len(cells)))
                cells.append(value)
            element.clear()
            yield line, cells
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ImportFileError(_("This is not a readable XLSX file: %(error)s") % {"error": exc}) from None
    finally:
        part.close()


def _csv_rows(file, limits: Limits):
    for encoding in ("utf-8-sig", "gb18030"):
        file.seek(0)
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            rows = []
            for line, row in enumerate(csv.reader(text), start=1):
                rows.append((line, [Formula(v) if v.startswith("=") else v for v in row]))
                if len(rows) > limits.max_rows + 50_000:  # plenty of blank lines; _bounded refuses before
                    break
            yield from rows
            return
        except UnicodeDecodeError:
            continue
        finally:
            text.detach()
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK encoded."))


def read_table(filename: str, content, limits: Limits | None = None) -> tuple[list[str], list[tuple[int, list]]]:
    """Header and (line, cells) rows of a CSV or XLSX file, read as a stream within ``limits``."""
    limits = limits or Limits.from_settings()
    file = io.BytesIO(content) if isinstance(content, bytes | bytearray | memoryview) else content
    check_upload(filename, file, limits)
    reader = _xlsx_rows(file, limits) if filename.lower().endswith(".xlsx") else _csv_rows(file, limits)
    rows = list(_bounded(reader, limits))
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return [str(h) for h in rows[0][1]], rows[1:]


def check_header(importer: "Importer", filename: str, file, limits: Limits | None = None) -> None:
    """Refuse at upload a file whose first row lacks a required column (reads only that row)."""
    limits = limits or Limits.from_settings()
    reader = _xlsx_rows(file, limits) if filename.lower().endswith(".xlsx") else _csv_rows(file, limits)
    try:
        _line, headers = next(_bounded(reader, limits), (0, None))
    finally:
        reader.close()
        file.seek(0)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    missing = importer.header_map(headers)[1]
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)})


def _unquote(text: str) -> str:
    """Our exports put an apostrophe before text a spreadsheet would run as a formula: take it off again."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES else text


def rows_as_values(importer: Importer, headers: list[str], rows: list[tuple[int, list]]) -> list[dict]:
    mapping, missing = importer.header_map(headers)
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)})
    # A second header row of English names (as in our template) is skipped.
    if rows:
        first = {str(v).strip().rstrip(" *").lower() for v in rows[0][1]}
        if first & {c.en.lower() for c in importer.columns} and not importer.header_map(rows[0][1])[1]:
            rows = rows[1:]
    result = []
    for line, cells in rows:
        values = {LINE: line}
        formulas = {}
        for i, name in mapping.items():
            cell = cells[i] if i < len(cells) else ""
            if isinstance(cell, Formula):  # reported by validate_rows; its text is no value
                formulas[name] = str(cell)
                cell = ""
            values[name] = _unquote(str(cell).strip())
        if formulas:
            values[FORMULAS] = formulas
        result.append(values)
    return result


_cache = contextvars.ContextVar("salesflow_import_cache", default=None)
_writing = contextvars.ContextVar("salesflow_import_writing", default=False)


def is_writing() -> bool:
    """True while :func:`write_rows` prepares rows that :func:`validate_rows` has already checked: an importer
    may skip checks that depend only on the row itself (they cannot have changed) and keep those that read the
    database (permissions, matches, duplicates, limits)."""
    return _writing.get()


@contextmanager
def lookup_cache():
    """Within one import, :func:`cached` answers repeated look-ups (owners, regions) from memory.
    Nested uses share the outer cache (one import checked in chunks loads each look-up once)."""
    if _cache.get() is not None:
        yield
        return
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def cached(kind: str, value, loader: Callable):
    cache = _cache.get()
    if cache is None:
        return loader(value)
    if (kind, value) not in cache:
        cache[kind, value] = loader(value)
    return cache[kind, value]


def _errors_of(importer, line: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        errors = []
        for field_name, messages in exc.message_dict.items():
            column = importer.label_of(field_name) if field_name != "__all__" else ""
            errors.extend(RowError(line, column, m) for m in messages)
        return errors
    return [RowError(line, "", m) for m in exc.messages]


def validate_rows(importer, values_list, *, actor, key, start=0, stop=None, seen=None) -> list[RowError]:
    """Check rows [start, stop) and return every problem of every row. ``seen`` carries keys across chunks."""
    errors: list[RowError] = []
    seen = {} if seen is None else seen
    key = key or importer.default_key
    with lookup_cache():
        for index in range(start, min(len(values_list) if stop is None else stop, len(values_list))):
            values = values_list[index]
            line = values.get(LINE, index + 2)
            row_errors = [RowError(line, importer.label_of(f), _("This cell holds a formula (%(formula)s); "
                                                                  "enter its value instead.")
                                   % {"formula": formula[:50]}) for f, formula in values.get(FORMULAS, {}).items()]
            for column in importer.columns:
                if column.required and not values.get(column.field):
                    row_errors.append(RowError(line, importer.label_of(column.field), _("This value is required.")))
            checks = [(key, importer.key_of(values, key))] if key else []
            checks += [(f, values.get(f, "").strip().lower()) for f in importer.unique_in_file if f != key]
            for name, value in checks:
                if not value:
                    continue
                if (name, value) in seen:
                    row_errors.append(RowError(line, importer.label_of(name),
                                               _("Same %(column)s as line %(other)s.")
                                               % {"column": importer.label_of(name), "other": seen[name, value]}))
                else:
                    seen[name, value] = line
            try:
                importer.prepare(values, actor, key)
            except ValidationError as exc:
                reported = {(e.column, e.message) for e in row_errors}
                row_errors += [e for e in _errors_of(importer, line, exc) if (e.column, e.message) not in reported]
            errors += row_errors
    return errors


BATCH = 1000


class _BatchError(ValidationError):
    """A batch of new rows was refused; the message names the lines."""


@transaction.atomic
def write_rows(importer, values_list, *, actor, key) -> dict:
    """Write every row, or nothing: any ValidationError rolls the whole import back."""
    counts = {"created": 0, "updated": 0}
    batch: list = []
    key = key or importer.default_key

    def flush():
        if batch:
            lines = f"{batch[0][1]}–{batch[-1][1]}"
            try:
                importer.save_new([prepared for prepared, _line in batch], actor)
            except ValidationError as exc:
                raise _BatchError(_("Line %(line)s: %(error)s") % {"line": lines,
                                                                 "error": " ".join(exc.messages)}) from None
            batch.clear()

    token = _writing.set(True)
    try:
        _write_all(importer, values_list, actor, key, batch, flush, counts)
    finally:
        _writing.reset(token)
    return counts


def _write_all(importer, values_list, actor, key, batch, flush, counts):
    with lookup_cache():
        for index, values in enumerate(values_list):
            line = values.get(LINE, index + 2)
            try:
                prepared, is_new = importer.prepare(values, actor, key)
                if not (is_new and importer.save_new is not None):
                    flush()  # keep the file's order between new and matched rows
                    importer.save(prepared, values, actor)
            except ValidationError as exc:
                if isinstance(exc, _BatchError):  # already names its lines
                    raise
                raise ValidationError(_("Line %(line)s: %(error)s") % {"line": line,
                                                                     "error": " ".join(exc.messages)}) from None
            if is_new and importer.save_new is not None:
                batch.append((prepared, line))
                if len(batch) >= BATCH:
                    flush()
            counts["created" if is_new else "updated"] += 1
        flush()


def register(importer: Importer) -> Importer:
    """Make an importer available on the web (/import/<name>/) and in the CLI (salesflow import <name> FILE)."""
    importers.register(importer.name, f"{importer.name} from XLSX or CSV (--key: {', '.join(importer.keys)})")(
        importer)
    return importer


def get_importer(name: str) -> Importer | None:
    """The registered tabular importer called ``name`` (None for unknown names and folder importers)."""
    try:
        entry = importers.get(name)
    except KeyError:
        return None
    return entry.func if isinstance(entry.func, Importer) else None


KEY_NONE = gettext_lazy("(no key: always create)")
