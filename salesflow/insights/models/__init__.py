"""Insights data, one module per concept: delivery channels and deliveries; alert rules and alerts; sales reports,
their subscriptions and review documents."""

from .alerts import *  # noqa: F403
from .delivery import *  # noqa: F403
from .reports import *  # noqa: F403
