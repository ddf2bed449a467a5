import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from salesflow.core.generator import GenerateContext
from salesflow.core.registry import generator_steps


class Command(BaseCommand):
    help = (
        "Fill the database with a seeded, realistic Chinese-locale organisation and business records. "
        "--scale N makes N customers, N opportunities, N/2 leads and N/2000 reps (6-500). Written with COPY on "
        "PostgreSQL; no audit rows or signals for generated data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="number of customers/opportunities")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **opts):
        if opts["scale"] < 1:
            raise CommandError("--scale must be 1 or more")
        ctx = GenerateContext(scale=opts["scale"], seed=opts["seed"], stdout=self.stdout)
        started = time.monotonic()
        for step in generator_steps.all():
            self.stdout.write(f"{step.name}: {step.help}")
            step_started = time.monotonic()
            with transaction.atomic():
                step.func(ctx)
            self.stdout.write(f"  {step.name} done in {time.monotonic() - step_started:.1f}s")
        self.stdout.write(f"generated scale {ctx.scale:,} in {time.monotonic() - started:.1f}s")
