"""``salesflow import KIND FILE``: the same checks as the web import, with a progress bar on stderr."""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from .imports import ImportFileError, lookup_cache, read_table, rows_as_values, validate_rows, write_rows

CHUNK = 500


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def run_file_import(importer, path, *, stdout=None, key=None, dry_run=False, actor=None):
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{file} is not a file")
    if key and key not in importer.keys:
        raise CommandError(f"--key must be one of: {', '.join(importer.keys)}")
    try:
        with file.open("rb") as handle:
            headers, rows = read_table(file.name, handle)
        values = rows_as_values(importer, headers, rows)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from None
    errors, seen = [], {}
    with lookup_cache():
        for start in range(0, len(values), CHUNK):
            errors += validate_rows(importer, values, actor=actor, key=key, start=start, stop=start + CHUNK,
                                    seen=seen)
            _progress(min(start + CHUNK, len(values)), len(values), "checking")
    sys.stderr.write("\n")
    if errors:
        for error in errors:
            (stdout or sys.stdout).write(f"line {error.line}: {error.column} {error.message}".rstrip())
        raise CommandError(f"{len(errors)} problems in {file.name}; nothing was imported")
    if dry_run:
        (stdout or sys.stdout).write(f"{len(values)} rows are valid (dry run: nothing written)")
        return {"created": 0, "updated": 0}
    try:
        result = write_rows(importer, values, actor=actor, key=key)
    except ValidationError as exc:  # the data changed since the check, or a service refused a row: all rolled back
        raise CommandError(f"{' '.join(exc.messages)} — nothing was imported") from None
    (stdout or sys.stdout).write(f"imported {file.name}: {result['created']} created, {result['updated']} updated")
    return result
