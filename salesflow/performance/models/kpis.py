"""kpis (built next)."""

__all__ = []
