import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from salesflow.org.generate import DEMO_PASSWORD
from salesflow.org.models import User

DEMO_LOGINS = [
    ("admin", "admin"),
    ("director", "director"),
    ("manager", "manager"),
    ("rep", "rep"),
    ("finance", "finance"),
]


class Command(BaseCommand):
    help = "Migrate the database, load demo data once (a small generated company), and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--scale", type=int, default=2000, help="size of the generated demo data")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data but do not start the server")

    def handle(self, *args, **opts):
        call_command("migrate", verbosity=0, interactive=False)
        if not User.objects.filter(username="admin").exists():
            self.stdout.write("Loading demo data…")
            call_command("generate", scale=opts["scale"], stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(f"SalesFlow demo: http://{opts['host']}:{opts['port']}/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<9} {role}")
        if not opts["no_serve"]:
            start_background_worker(self.stdout)
            call_command("serve", port=opts["port"], host=opts["host"])


def start_background_worker(stdout, interval: float = 2.0) -> threading.Thread:
    """The demo's worker: a daemon thread running ``worker --once`` every few seconds (imports finish, pool
    returns and reminders run). Production runs ``salesflow worker`` as its own process instead."""
    import logging

    from django.db import close_old_connections

    from salesflow.core.worker import run_once

    log = logging.getLogger("salesflow.worker")

    def loop():
        while True:
            try:
                run_once()
            except Exception:  # keep the demo's worker alive; the failure is logged
                log.exception("demo worker round failed")
            finally:
                close_old_connections()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="salesflow-demo-worker", daemon=True)
    thread.start()
    stdout.write("Background worker started (queued imports and scheduled jobs run in this process).")
    return thread
