"""API of followups."""

from ninja import Router

router = Router()
