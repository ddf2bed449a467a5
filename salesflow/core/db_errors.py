"""Turn a database constraint violation into a message about a field, in the user's language.

Model validation (``full_clean`` checks unique and check constraints) should refuse bad input first; this is the
last resort for what slips through (a race between two requests, a service that saves without validating). The
constraint's name never reaches the user: we find the constraint among the models' ``Meta.constraints`` and name
its field instead.
"""

import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# SQLite: "UNIQUE constraint failed: app_model.column" / "NOT NULL constraint failed: app_model.column"
# PostgreSQL: 'Key (column)=(...) already exists.' / 'null value in column "column" of relation "app_model"'
_COLUMN_PATTERNS = [
    re.compile(r"constraint failed: (?P<table>\w+)\.(?P<column>\w+)"),
    re.compile(r'null value in column "(?P<column>\w+)" of relation "(?P<table>\w+)"'),
    re.compile(r'Key \((?P<column>\w+)\)=.*already exists'),
]


def _constraint_field(constraint) -> str | None:
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        return constraint.fields[0]
    condition = getattr(constraint, "condition", None)
    while condition is not None and hasattr(condition, "children") and condition.children:
        condition = condition.children[0]
    if isinstance(condition, tuple):
        return condition[0].split("__")[0]
    return None


def _label(model, field_name: str) -> str:
    try:
        return str(capfirst(model._meta.get_field(field_name).verbose_name))
    except Exception:  # noqa: BLE001  (a field name we could not resolve: show it as it is)
        return field_name


def describe(exc: IntegrityError) -> tuple[str, str]:
    """``(field, message)`` for a constraint violation; ``field`` is "" only when nothing names one."""
    text = str(exc)
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if re.search(rf"\b{re.escape(constraint.name)}\b", text):
                field = _constraint_field(constraint) or ""
                return field, _message(constraint, model, field)
    for pattern in _COLUMN_PATTERNS:
        match = pattern.search(text)
        if match:
            column = match.group("column")
            model = _model_for_table(match.groupdict().get("table"))
            field = _field_for_column(model, column) if model else column
            if "null" in text.lower() and "unique" not in text.lower():
                return field, _("%(field)s is required.") % {"field": _label(model, field) if model else field}
            return field, _("Another record already has this %(field)s.") % {
                "field": _label(model, field) if model else field}
    return "", _("The change conflicts with existing data; nothing was saved.")


def _message(constraint, model, field: str) -> str:
    label = _label(model, field) if field else _("value")
    if isinstance(constraint, models.UniqueConstraint):
        return _("Another record already has this %(field)s.") % {"field": label}
    return _("%(field)s is not allowed: check its value.") % {"field": label}


def _model_for_table(table: str | None):
    for model in apps.get_models():
        if model._meta.db_table == table:
            return model
    return None


def _field_for_column(model, column: str) -> str:
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field.name
    return column


class ConstraintErrorsOnFields(models.Model):
    """``full_clean`` reports a violated constraint on the field it concerns, with a translated message, instead of
    Django's non-field 'Constraint “name” is violated.' (which shows the constraint's name to the user)."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as exc:
                    field = _constraint_field(constraint)
                    if field and field in {f.name for f in model_class._meta.concrete_fields}:
                        message = _message(constraint, model_class, field)
                        errors.setdefault(field, []).append(ValidationError(message, code=exc.code))
                    else:
                        errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
