"""The real data sets beside the repository (``../shared/data``) that some tests compare SalesFlow against.

Outside CI a missing data set skips those tests (with the reason shown by ``pytest -rs``); in CI (``CI=true``) it
fails them, so a broken checkout of the data can never turn the comparison tests green by skipping them.
"""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_shared_data(path: Path) -> Path:
    """Return ``path``; skip the calling test when it is missing, or fail it when running in CI."""
    if path.exists():
        return path
    message = f"the shared data set {path} is missing (expected beside the repository in ../shared/data)"
    if in_ci():
        pytest.fail(f"{message}; CI must provide it", pytrace=False)
    pytest.skip(message)
