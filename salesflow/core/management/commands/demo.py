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
            call_command("serve", port=opts["port"], host=opts["host"])
