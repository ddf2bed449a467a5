"""API of visits."""

from ninja import Router

router = Router()
