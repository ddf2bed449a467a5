"""What this app plugs into core's registries (menu, page sections, jobs, reports, importer, generator), one import
per concept so each concept keeps its own registrations beside its code."""
from .stats import registrations as stats_registrations  # noqa: F401
