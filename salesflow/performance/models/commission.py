"""commission (built next)."""

__all__ = []
