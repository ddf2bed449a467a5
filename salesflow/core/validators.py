"""Validators shared by models, forms and the API schemas (one door per rule)."""

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
