"""Insights data, one module per concept: delivery channels and deliveries; alert rules and alerts."""

from .alerts import *  # noqa: F403
from .delivery import *  # noqa: F403
