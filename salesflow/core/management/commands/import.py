from django.core.management.base import BaseCommand, CommandError

from salesflow.core import audit
from salesflow.core.import_cli import run_file_import
from salesflow.core.imports import Importer
from salesflow.core.registry import importers


class Command(BaseCommand):
    help = "Import data: salesflow import KIND PATH. 'salesflow import --list' shows the kinds."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?")
        parser.add_argument("path", nargs="?")
        parser.add_argument("--list", action="store_true", help="list the import kinds")
        parser.add_argument("--key", help="field that matches existing records on re-import, where supported")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--user", help="act as this user: the audit log names them (default: cli)")

    def handle(self, *args, **opts):
        if opts["list"] or not opts["kind"]:
            for entry in importers.all():
                self.stdout.write(f"{entry.name:<16} {entry.help}")
            return
        if not opts["path"]:
            raise CommandError("give the file or folder to import: salesflow import KIND PATH")
        try:
            entry = importers.get(opts["kind"])
        except KeyError as exc:
            raise CommandError(str(exc)) from None
        user = None
        if opts["user"]:
            from salesflow.org.models import User

            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user named {opts['user']!r}")
        with audit.acting_as(user or audit.CLI):
            if isinstance(entry.func, Importer):  # a tabular (XLSX/CSV) importer: --user's permissions apply
                run_file_import(entry.func, opts["path"], stdout=self.stdout, key=opts["key"],
                                dry_run=opts["dry_run"], actor=user)
            else:  # a folder importer such as maven-crm
                entry.func(opts["path"], stdout=self.stdout, key=opts["key"], dry_run=opts["dry_run"])
