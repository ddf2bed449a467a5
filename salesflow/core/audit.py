"""Audit trail: who changed which business record, when, and from what to what.

Business models inherit :class:`AuditedModel`; their creates, updates and deletes are written to
:class:`~salesflow.core.models.AuditEntry` automatically. The acting user comes from :func:`acting_as`
(set per request by ``AuditActorMiddleware``, which reads ``request.user`` when the entry is written, so a user
authenticated later by an API token is named too). Writes with no person behind them name their origin in the
entry's note: ``cli`` for the ``salesflow`` command (unless it acts as ``--user``), ``system`` for scheduled jobs
and anything else.
Bulk writes (``bulk_create``/``update``) bypass signals by design: services that use them call :func:`record`.
"""

import contextvars
import datetime
import decimal
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

_actor = contextvars.ContextVar("salesflow_audit_actor", default=None)

# Fields that change on every save and say nothing to a reader.
IGNORED_FIELDS = {"version", "updated_at"}


CLI = "cli"
SYSTEM = "system"


class _RequestActor:
    """The request's user, read when an entry is written (token authentication happens inside the view)."""

    def __init__(self, request):
        self.request = request


@contextmanager
def acting_as(user_or_origin):
    """Attribute the writes inside the block to a user, or to an origin: :data:`CLI` or :data:`SYSTEM`."""
    value = user_or_origin
    if value is not None and not isinstance(value, str) and not value.is_authenticated:
        value = None
    token = _actor.set(value)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def acting_for_request(request):
    token = _actor.set(_RequestActor(request))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    """The user writes are attributed to now, or None."""
    value = _actor.get()
    if isinstance(value, _RequestActor):
        user = getattr(value.request, "user", None)
        return user if user is not None and user.is_authenticated else None
    return None if isinstance(value, str) else value


def current_origin() -> str:
    """Who wrote, when no user did: "cli" or "system" ("" inside a request or with a user)."""
    value = _actor.get()
    if isinstance(value, str):
        return value
    return "" if value is not None else SYSTEM


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class AuditedModel(models.Model):
    """Remembers the values it was loaded with so a save can record exactly what changed."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def audit_snapshot(self) -> dict:
        return {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.attname not in IGNORED_FIELDS and not f.primary_key
        }


_suppressed = contextvars.ContextVar("audit_suppressed", default=False)


@contextmanager
def suppressed():
    """No audit rows inside (``salesflow generate``: generated data is not anybody's act, and its steps may call the
    same services people use)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def record(obj, action, *, changes=None, note="", actor=None):
    from .models import AuditEntry

    if _suppressed.get():
        return None
    actor = actor or current_actor()
    origin = current_origin() if actor is None else ""
    if origin:
        note = f"{origin}: {note}" if note else origin
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        note=note[:300],
    )


@receiver(post_save)
def _audit_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedModel):
        return
    now = instance.audit_snapshot()
    if created:
        record(instance, "create", changes={k: v for k, v in now.items() if v not in (None, "")})
    else:
        before = getattr(instance, "_loaded_values", {})
        diff = {k: [_plain(before.get(k)), _plain(v)] for k, v in now.items() if k in before and before[k] != v}
        if diff:
            record(instance, "update", changes=diff)
    instance._loaded_values = now


@receiver(post_delete)
def _audit_delete(sender, instance, **kwargs):
    if isinstance(instance, AuditedModel):
        record(instance, "delete", changes=instance.audit_snapshot())
