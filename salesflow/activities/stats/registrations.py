"""What the activity statistics plug in: the menu entry and ``salesflow report activities``."""

from . import navigation, report  # noqa: F401
