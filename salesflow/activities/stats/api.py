"""API of stats."""

from ninja import Router

router = Router()
