"""A generated database for a test module: ``salesflow generate`` once, inside a transaction rolled back after."""

from contextlib import contextmanager

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone


@contextmanager
def generated_data(django_db_blocker, *, scale: int, seed: int = 7):
    """Use in a module-scoped fixture: ``with generated_data(django_db_blocker, scale=300) as now: yield ...``.

    ``now`` is the moment the data was generated relative to: compare dates with it, not with the clock, which may
    have passed midnight by the time a large scale is written."""
    now = timezone.now()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cache.clear()
            call_command("generate", scale=scale, seed=seed, now=now, stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield now
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()
