"""Shared fixtures. The organisation below is used across apps' tests:

    HQ (director, finance, admin)
    ├── East  (manager_east)
    │   └── East-1  (rep_a, rep_a2)
    └── West  (manager_west, rep_b)
"""

import pytest

from salesflow.org.models import Role
from salesflow.testing import factories


@pytest.fixture
def org(db):
    hq = factories.make_team("HQ")
    east = factories.make_team("East", parent=hq)
    east1 = factories.make_team("East-1", parent=east)
    west = factories.make_team("West", parent=hq)

    class Org:
        pass

    o = Org()
    o.hq, o.east, o.east1, o.west = hq, east, east1, west
    o.admin = factories.make_user("admin", role=Role.ADMIN, team=hq)
    o.director = factories.make_user("director", role=Role.DIRECTOR, team=hq)
    o.finance = factories.make_user("finance", role=Role.FINANCE, team=hq)
    o.manager_east = factories.make_user("manager_east", role=Role.MANAGER, team=east)
    o.manager_west = factories.make_user("manager_west", role=Role.MANAGER, team=west)
    o.rep_a = factories.make_user("rep_a", role=Role.REP, team=east1)
    o.rep_a2 = factories.make_user("rep_a2", role=Role.REP, team=east1)
    o.rep_b = factories.make_user("rep_b", role=Role.REP, team=west)
    return o


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client logged in as that user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def web_import(django_capture_on_commit_callbacks):
    """Drive a web import through the real queue: ``web_import.upload(client, kind, file, key="")`` and
    ``web_import.confirm(client, job)`` post the form (its on-commit enqueue runs), then run the worker once."""
    from salesflow.core.models import ImportJob
    from salesflow.core.worker import run_once

    class WebImport:
        last_response = None

        def upload(self, client, kind, file, key=""):
            with django_capture_on_commit_callbacks(execute=True):
                self.last_response = client.post(f"/import/{kind}/", {"file": file, "key": key})
            assert self.last_response.status_code == 302, self.last_response.content.decode()[:3000]
            job = ImportJob.objects.latest("id")
            run_once(schedules=False)  # only the import's tasks, not e.g. pool returns
            job.refresh_from_db()
            return job

        def confirm(self, client, job):
            with django_capture_on_commit_callbacks(execute=True):
                self.last_response = client.post(f"/import/jobs/{job.pk}/confirm/", follow=True)
            run_once(schedules=False)  # only the import's tasks, not e.g. pool returns
            job.refresh_from_db()
            return job

    return WebImport()


@pytest.fixture
def rollup_zone_forgotten():
    """The zone of the day and month roll-ups' triggers is read once per process (core/rollups.py); a test that
    installs them again inside its rolled-back transaction must not leave its zone behind for the next test."""
    from salesflow.core.rollups import _installed_zone

    _installed_zone.cache_clear()
    yield
    _installed_zone.cache_clear()
