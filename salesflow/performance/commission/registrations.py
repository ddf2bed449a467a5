"""What this concept registers in core's registries (menu, tiles, reports, importer, generator step, jobs)."""
