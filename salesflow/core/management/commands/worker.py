from django.core.management import call_command
from django.core.management.base import BaseCommand

from salesflow.core.registry import scheduled_jobs
from salesflow.core.worker import run_due_jobs, run_once, sync_schedules


class Command(BaseCommand):
    help = ("Run background work: queued tasks (imports) and scheduled jobs (pool returns, reminders). "
            "Starts a django-q cluster; safe to run on several hosts at once.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="run the due scheduled jobs and every queued task once, then exit")
        parser.add_argument("--job", help="with --once: run only this scheduled job, even if not due")
        parser.add_argument("--list", action="store_true", help="list the scheduled jobs and their intervals")

    def handle(self, *args, **opts):
        if opts["list"]:
            for entry in scheduled_jobs.all():
                self.stdout.write(f"{entry.name:<24} every {entry.order}s  {entry.help}")
            return
        if opts["once"] and opts["job"]:
            for name, result in run_due_jobs(only=opts["job"], force=True).items():
                self.stdout.write(f"{name}: {result}")
            return
        if opts["once"]:
            for task in run_once():
                outcome = "ok" if task["success"] else "failed"
                result = str(task["result"]).splitlines()[0][:200] if task["result"] is not None else ""
                self.stdout.write(f"{task['name']} {task['func']}{tuple(task['args'])}: {outcome} {result}")
            return
        sync_schedules()
        self.stdout.write("worker started (django-q cluster); Ctrl+C stops it")
        call_command("qcluster")
