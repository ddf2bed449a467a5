"""Insights data, one module per concept (delivery channels and their deliveries; later alerts and reports)."""

from .delivery import *  # noqa: F403
