"""Validators shared by model validation and the API schemas, so forms, the API and imports apply the same rule."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Business dates (expected close dates, contract dates...) outside these years are typing mistakes.
BUSINESS_DATE_MIN = date(2000, 1, 1)
BUSINESS_DATE_MAX = date(2100, 12, 31)


def validate_business_date(value: date | None) -> None:
    if value is not None and not BUSINESS_DATE_MIN <= value <= BUSINESS_DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="out_of_range",
            params={"min": BUSINESS_DATE_MIN.isoformat(), "max": BUSINESS_DATE_MAX.isoformat()},
        )


MOBILE = re.compile(r"(?:\+?86[- ]?)?1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


def normalise_phone(value: str) -> str:
    """Spaces inside a number are not part of it: '138 0013 8000' -> '13800138000'."""
    return re.sub(r"\s+", "", value or "")


def validate_phone(value: str) -> None:
    """A mainland mobile (1[3-9] and 9 digits, optionally +86) or a landline (0 + area code, optional '-')."""
    phone = normalise_phone(value)
    if phone and not (MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone)):
        raise ValidationError(
            _("“%(value)s” is not a phone number: use a mobile number such as 13800138000 or a landline such as "
              "021-12345678."), code="invalid_phone", params={"value": value})


def clean_phone_fields(instance, *names: str) -> None:
    """For a model's ``clean()``: normalise and check its phone fields; raises one error per bad field."""
    errors = {}
    for name in names:
        setattr(instance, name, normalise_phone(getattr(instance, name)))
        try:
            validate_phone(getattr(instance, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
