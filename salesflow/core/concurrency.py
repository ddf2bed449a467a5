"""Optimistic concurrency: every editable business record carries a version number.

A save sends ``UPDATE ... WHERE id = %s AND version = %s`` and bumps the version; if another edit got there
first, no row matches and :class:`StaleEditError` is raised instead of silently overwriting it.
Forms carry the version in a hidden field (``VersionedModelForm``); the API takes it in the body.
"""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .db_errors import ConstraintErrorsOnFields


class StaleEditError(Exception):
    """Raised when a record was changed by someone else since it was read."""

    def __init__(self, obj=None):
        self.obj = obj
        super().__init__(str(self.message))

    message = _(
        "This record was changed by someone else after you opened it. "
        "Your changes were not saved: reload it and apply them again."
    )


class VersionedModel(ConstraintErrorsOnFields):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Only an UPDATE of an existing row is guarded; inserts start at version 1.
        self._expected_version = None if self._state.adding else self.version
        if self._expected_version is not None:
            self.version = self._expected_version + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        try:
            # A savepoint, so that a refused update leaves the caller's transaction usable.
            with transaction.atomic(using=kwargs.get("using")):
                super().save(*args, **kwargs)
        except StaleEditError:
            self.version = self._expected_version
            raise

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = base_qs.filter(pk=pk_val, version=expected)._update(values) > 0
        if not updated:
            if base_qs.filter(pk=pk_val).exists():
                raise StaleEditError(self)
            raise ObjectDoesNotExist(f"{type(self).__name__} {pk_val} no longer exists")
        return True


def apply_versioned_changes(obj: VersionedModel, changes: dict) -> VersionedModel:
    """Apply an API PATCH body: ``changes["version"]`` is the version the client read; validate, then save."""
    changes = dict(changes)
    obj.version = changes.pop("version")
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    return obj


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that round-trips the record's version so a stale submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        submitted = cleaned.get("version")
        if self.instance.pk and submitted is not None:
            # The edit is judged against the version the user saw, not the one just re-read from the database.
            self.instance.version = submitted
        return cleaned

    def save(self, commit=True):
        try:
            return super().save(commit=commit)
        except StaleEditError:
            self.add_error(None, StaleEditError.message)
            raise
