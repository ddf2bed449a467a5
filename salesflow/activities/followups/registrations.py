"""Everything follow-ups plug into core's registries: the menu entry, the page sections, the importer."""

from . import imports, navigation, sections  # noqa: F401
