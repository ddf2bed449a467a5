"""Demo data step (filled in below)."""
