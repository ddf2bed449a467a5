"""Fixtures of the field-work tests. ``api_for(user)``: a client of /api/v1/ authenticated as ``user`` with a
bearer token (as an API user is), sending JSON bodies; ``api_for.fields(response)`` names the fields of an error."""

import pytest

from salesflow.testing.api_client import ApiClient


@pytest.fixture
def api_for(db):
    return ApiClient
