from django.core.management.base import BaseCommand

from salesflow.core.registry import scheduled_jobs
from salesflow.core.worker import run_due_jobs, run_forever


class Command(BaseCommand):
    help = "Run scheduled jobs (alerts, pool returns, reminders). Safe to run on several hosts at once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run the due jobs once and exit")
        parser.add_argument("--job", help="with --once: run only this job, even if not due")
        parser.add_argument("--list", action="store_true", help="list the jobs and their intervals")
        parser.add_argument("--poll", type=int, default=30, help="seconds between checks")

    def handle(self, *args, **opts):
        if opts["list"]:
            for entry in scheduled_jobs.all():
                self.stdout.write(f"{entry.name:<24} every {entry.order}s  {entry.help}")
            return
        if opts["once"]:
            for name, result in run_due_jobs(only=opts["job"], force=bool(opts["job"])).items():
                self.stdout.write(f"{name}: {result}")
            return
        self.stdout.write("worker started; Ctrl+C stops it")
        run_forever(opts["poll"], stdout=self.stdout)
