"""Everything visits plug into core's registries: the menu entries and the customer 360 section."""

from . import navigation, sections  # noqa: F401
