from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve SalesFlow over HTTP (a single process; see docs/deployment.md for production)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")

    def handle(self, *args, **opts):
        self.stdout.write(f"SalesFlow is at http://{opts['host']}:{opts['port']}/  (Ctrl+C stops it)")
        call_command("runserver", f"{opts['host']}:{opts['port']}", use_reloader=False, skip_checks=True)
