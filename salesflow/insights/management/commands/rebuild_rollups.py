from django.core.management.base import BaseCommand

from salesflow.activities.models import CustomerFollowupMonthly, FollowupDaily
from salesflow.contracts.models import rebuild_money_rollup
from salesflow.pipeline.models import WonMonthly, rebuild_funnel_rollup


class Command(BaseCommand):
    # here, in the app above every one that keeps a roll-up (imports only go downward)
    help = ("Recompute the roll-ups that database triggers keep — the funnel and won deals per month (from the "
            "opportunities), money per month (from agreements, their lines, payments, instalments and invoices), "
            "follow-ups per day and per customer and month (from the activities) — after loading records with "
            "triggers disabled. The won deals' and follow-ups' triggers are installed again in the current "
            "TIME_ZONE.")

    def handle(self, *args, **opts):
        self.stdout.write(f"funnel roll-up: {rebuild_funnel_rollup()} rows")
        self.stdout.write(f"won deals per month: {WonMonthly.rebuild()} rows")
        self.stdout.write(f"money roll-up: {rebuild_money_rollup()} rows")
        self.stdout.write(f"follow-ups per day: {FollowupDaily.rebuild()} rows")
        self.stdout.write(f"follow-ups per customer and month: {CustomerFollowupMonthly.rebuild()} rows")
