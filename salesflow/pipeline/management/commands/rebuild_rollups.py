from django.core.management.base import BaseCommand

from salesflow.pipeline.models import rebuild_funnel_rollup


class Command(BaseCommand):
    help = ("Recompute the funnel roll-up from the opportunities (database triggers keep it; run this after loading "
            "opportunities with triggers disabled).")

    def handle(self, *args, **opts):
        rows = rebuild_funnel_rollup()
        self.stdout.write(f"funnel roll-up: {rows} rows")
