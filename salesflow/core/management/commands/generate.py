import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from salesflow.core import audit
from salesflow.core.generator import GenerateContext, bulk_load
from salesflow.core.registry import generator_steps


def written_tables(steps) -> list[str]:
    """The tables of the apps that have generator steps (what a generation run writes to)."""
    configs = {apps.get_containing_app_config(step.func.__module__) for step in steps} - {None}
    return [model._meta.db_table for config in configs for model in config.get_models()]


class Command(BaseCommand):
    help = (
        "Fill the database with a seeded, realistic Chinese-locale organisation and business records. "
        "--scale N makes N customers, N opportunities, N/2 leads and N/2000 reps (6-500). Written with COPY on "
        "PostgreSQL; no audit rows or signals for generated data."
    )

    # ``now`` (an aware datetime) is for tests: the moment the data is generated relative to, so a test that
    # compares dates with it cannot straddle midnight while a big scale is being generated.
    stealth_options = ("now",)

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="number of customers/opportunities")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **opts):
        if opts["scale"] < 1:
            raise CommandError("--scale must be 1 or more")
        moment = {"now": opts["now"]} if opts.get("now") else {}
        ctx = GenerateContext(scale=opts["scale"], seed=opts["seed"], stdout=self.stdout, **moment)
        started = time.monotonic()
        steps = generator_steps.all()
        # All or nothing; no audit rows (generated data is nobody's act, even where a step calls a service).
        with transaction.atomic(), bulk_load(written_tables(steps), self.stdout), audit.suppressed():
            for step in steps:
                self.stdout.write(f"{step.name}: {step.help}")
                step_started = time.monotonic()
                with transaction.atomic():
                    step.func(ctx)
                self.stdout.write(f"  {step.name} done in {time.monotonic() - step_started:.1f}s")
        self.stdout.write(f"generated scale {ctx.scale:,} in {time.monotonic() - started:.1f}s")
