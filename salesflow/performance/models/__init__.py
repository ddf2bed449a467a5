"""Performance data, one module per concept (targets; KPIs and scorecards; commission)."""

from .commission import *  # noqa: F403
from .kpis import *  # noqa: F403
from .measures import *  # noqa: F403
from .targets import *  # noqa: F403
