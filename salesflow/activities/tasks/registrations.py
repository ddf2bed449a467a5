"""Everything tasks plug into core's registries: menu entries and home tiles, the customer 360 section, the
reminders job."""

from . import jobs, navigation, sections  # noqa: F401
