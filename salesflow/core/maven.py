"""``salesflow import maven-crm DIR``: the Maven Analytics CRM data set (../shared/data/maven-crm/).

Each domain app registers its part in ``registry.maven_steps`` (organisation, accounts, products, pipeline);
they run in order inside one transaction, so a failure leaves nothing half-imported.
Each step is ``func(folder: Path, ctx: dict, stdout) -> None``; ``ctx`` carries what earlier steps created
(e.g. ``ctx["agents"]``: agent name -> User) and collects summary lines in ``ctx["summary"]``.
"""

import csv
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from .registry import importers, maven_steps


def read_csv(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        raise CommandError(f"{path} not found: is {folder} the maven-crm folder?")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@importers.register("maven-crm", "the Maven Analytics CRM data set folder (accounts, teams, products, pipeline)")
def import_maven_crm(path, *, stdout=None, key=None, dry_run=False):
    folder = Path(path)
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder")
    ctx: dict = {"summary": []}
    with transaction.atomic():
        for step in maven_steps.all():
            step.func(folder, ctx, stdout)
        if dry_run:
            transaction.set_rollback(True)
    if stdout is not None:
        for line in ctx["summary"]:
            stdout.write(line)
        if dry_run:
            stdout.write("dry run: nothing was written")
    return ctx
