"""Named extension points that apps fill in their AppConfig.ready():

* importers for ``salesflow import KIND PATH``
* reports for ``salesflow report NAME [--json]``
* generator steps for ``salesflow generate --scale N`` (run in registration order)
* sections for the customer 360 page
* scheduled jobs run by ``salesflow worker`` (``order`` is the interval in seconds)
* steps of ``salesflow import maven-crm DIR`` (run in order, in one transaction)

Keeping them here lets the CLI stay generic while each domain app owns its own logic.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str
    func: Callable
    help: str
    order: int = 100


class Registry:
    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, help: str = "", order: int = 100):  # noqa: A002
        def decorator(func):
            self._entries[name] = Entry(name, func, help or (func.__doc__ or "").strip().split("\n")[0], order)
            return func

        return decorator

    def get(self, name: str) -> Entry:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise KeyError(f"unknown {self.what} {name!r}; known: {known}") from None

    def all(self) -> list[Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.name))


importers = Registry("importer")
reports = Registry("report")
generator_steps = Registry("generator step")
customer_sections = Registry("customer section")
scheduled_jobs = Registry("scheduled job")
maven_steps = Registry("maven-crm import step")
