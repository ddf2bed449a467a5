"""The audit log as a person reads it: field labels, old → new, codes as labels, related records by name.

``describe(entries)`` annotates a page of :class:`AuditEntry` rows with ``entry.rows`` =
``[(label, old, new)]``; related records are fetched with one query per related model for the whole page.
"""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from salesflow.core.audit import CLI, SYSTEM
from salesflow.core.templatetags.salesflow_tags import money

MISSING = "—"

# Change keys that are not model fields (an app records e.g. {"approval": "submitted"}): their label and the labels
# of their coded values, registered by the app that writes them (core names no app above it).
CHANGE_LABELS: dict[str, tuple[object, dict]] = {}


def register_change_label(key: str, label, values: dict | None = None) -> None:
    CHANGE_LABELS[key] = (label, values or {})


def _fields_by_name(model) -> dict:
    if model is None:
        return {}
    fields = {}
    for field in model._meta.concrete_fields:
        fields[field.attname] = field
        fields[field.name] = field
    return fields


def _label(field, key: str) -> str:
    if field is None:
        return str(CHANGE_LABELS[key][0]) if key in CHANGE_LABELS else key
    text = str(field.verbose_name)
    return text[:1].upper() + text[1:]


def _is_money(field) -> bool:
    return isinstance(field, models.DecimalField) and field.decimal_places == 2


def _plain_value(field, value, related: dict) -> str:
    if value is None or value == "" or value == []:
        return MISSING
    if field is not None and field.is_relation and field.many_to_one:
        if isinstance(value, list):  # (from, to) recorded by an action other than "update"
            return " → ".join(_plain_value(field, v, related) for v in value)
        return related.get((field.related_model, value), f"#{value}")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if _is_money(field):
        try:
            return money(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return date_format(localtime(parsed) if parsed.tzinfo else parsed, "Y-m-d H:i")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or MISSING
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _is_pair(entry, value) -> bool:
    return entry.action == "update" and isinstance(value, list) and len(value) == 2


def describe(entries) -> list:
    entries = list(entries)
    wanted = defaultdict(set)  # related model -> ids
    for entry in entries:
        fields = _fields_by_name(entry.content_type.model_class())
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for key, value in changes.items():
            field = fields.get(key)
            if field is None or not (field.is_relation and field.many_to_one):
                continue
            # a list is a (from, to) pair, whatever the action (e.g. a stage move or a transfer): collect both ids
            for v in (value if isinstance(value, list) else [value]):
                if v not in (None, "") and not isinstance(v, (list, dict)):
                    wanted[field.related_model].add(v)
    related = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            related[(model, obj.pk)] = str(obj)
    for entry in entries:
        fields = _fields_by_name(entry.content_type.model_class())
        rows = []
        changes = entry.changes if isinstance(entry.changes, dict) else {"": entry.changes}
        for key, value in changes.items():
            field = fields.get(key)
            if _is_pair(entry, value):
                old, new = (_plain_value(field, v, related) for v in value)
                rows.append((_label(field, key), old, new))
            else:
                coded = CHANGE_LABELS.get(key, (None, {}))[1] if field is None else {}
                shown = (str(coded[value]) if isinstance(value, str) and value in coded
                         else _plain_value(field, value, related))
                rows.append((_label(field, key), None, shown))
        entry.rows = rows
        entry.note_display = _readable_note(entry.note)
    return entries


def _readable_note(note: str) -> str:
    """The origin a note starts with (``cli`` / ``system``, see audit.record) in the reader's language."""
    origins = {CLI: _("command line"), SYSTEM: _("system")}
    head, sep, rest = (note or "").partition(": ")
    if head in origins:
        return f"{origins[head]}{sep}{rest}"
    return origins.get(note, note)
