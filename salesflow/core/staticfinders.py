"""Serve front-end libraries from their installed Python packages (no CDN, no copies in the repo)."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

VENDOR_FILES = {
    "vendor/plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
}


class VendorFinder(BaseFinder):
    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)  # Django < 6 still passes the old "all" keyword
        source = VENDOR_FILES.get(path)
        if source is None or not source.exists():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for name, source in VENDOR_FILES.items():
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = str(Path(name).parent)
            yield source.name, storage
