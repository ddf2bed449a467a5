from django.core.management.base import BaseCommand

from salesflow.contracts.models import rebuild_money_rollup
from salesflow.pipeline.models import rebuild_funnel_rollup


class Command(BaseCommand):
    help = ("Recompute the roll-ups that database triggers keep — the funnel (from the opportunities) and money per "
            "month (from agreements, their lines, payments, instalments and invoices) — after loading records with "
            "triggers disabled.")

    def handle(self, *args, **opts):
        self.stdout.write(f"funnel roll-up: {rebuild_funnel_rollup()} rows")
        self.stdout.write(f"money roll-up: {rebuild_money_rollup()} rows")
