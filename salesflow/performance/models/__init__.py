"""Performance data, one module per concept (targets; KPIs and scorecards; commission)."""

from .measures import *  # noqa: F403
from .targets import *  # noqa: F403
