"""Pipeline models, split by concept: opportunities and their history; forecast submissions."""

from .forecast import *  # noqa: F403
from .opportunity import *  # noqa: F403
from .rollup import *  # noqa: F403
