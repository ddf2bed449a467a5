"""What this app plugs into core's registries (menu, page sections, jobs, reports, importer, generator), one import
per concept so each concept keeps its own registrations beside its code."""

from . import generate  # noqa: F401  (the generator step: activities, plans, tasks, reports, showcase)
from .followups import registrations as followups_registrations  # noqa: F401
from .reports import navigation as report_navigation  # noqa: F401
from .stats import registrations as stats_registrations  # noqa: F401
from .tasks import registrations as task_registrations  # noqa: F401
from .visits import registrations as visits_registrations  # noqa: F401
