"""Forecast submissions per rep and period, with manager adjustments."""

from django.db import models  # noqa: F401

__all__: list[str] = []
