"""Pipelines, stages, opportunities and their history."""

from django.db import models  # noqa: F401

__all__: list[str] = []
