"""Activities models, split by concept: follow-ups (and visit records), visit plans, tasks and reminders, work
reports."""

from .followups import *  # noqa: F403
from .reports import *  # noqa: F403
from .rollup import *  # noqa: F403
from .tasks import *  # noqa: F403
from .visits import *  # noqa: F403
