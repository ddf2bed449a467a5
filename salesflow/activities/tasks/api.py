"""API of tasks."""

from ninja import Router

router = Router()
