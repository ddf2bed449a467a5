"""What this app plugs into core's registries, one import per concept (each keeps its registrations beside its code)."""

from .commission import registrations as commission_registrations  # noqa: F401
from .kpis import registrations as kpi_registrations  # noqa: F401
from .targets import registrations as target_registrations  # noqa: F401
