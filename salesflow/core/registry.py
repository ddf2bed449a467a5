"""Named extension points that apps fill in their AppConfig.ready():

* importers for ``salesflow import KIND PATH``
* reports for ``salesflow report NAME [--json]``
* generator steps for ``salesflow generate --scale N`` (run in registration order)
* sections for the customer 360 page, the opportunity page, the agreement page and the lead page
* scheduled jobs run by ``salesflow worker`` (``order`` is the interval in seconds)
* steps of ``salesflow import maven-crm DIR`` (run in order, in one transaction)
* ``navigation``: the side menu's entries (main sections and administration), each with a ``visible(user)`` rule
* ``dashboard_tiles``: the home page's tiles; each is ``func(user) -> Tile | None`` over ``visible_to(user)`` rows

Keeping them here lets the CLI stay generic while each domain app owns its own logic.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse


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
# Panels of other pages, each ``func(request, obj) -> html``: the opportunity page (contracts plugs in its
# agreements) and the agreement page (receivables plugs in plan, payments, invoices), so no app imports one above.
opportunity_sections = Registry("opportunity section")
agreement_sections = Registry("agreement section")
# Panels of the lead page, ``func(request, lead) -> html`` (activities plugs in the lead's follow-ups).
lead_sections = Registry("lead section")
scheduled_jobs = Registry("scheduled job")
maven_steps = Registry("maven-crm import step")


def everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    icon: str
    order: int = 100
    visible: Callable[..., bool] = everyone
    admin: bool = False  # listed under "Administration"


class Navigation:
    """The side menu, assembled from what each app registers; core names no app above it."""

    def __init__(self):
        self._entries: dict[str, NavEntry] = {}

    def register(self, url_name: str, label, icon: str, *, order: int = 100,
                 visible: Callable[..., bool] = everyone, admin: bool = False) -> None:
        self._entries[url_name] = NavEntry(url_name, label, icon, order, visible, admin)

    def all(self) -> list[NavEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.url_name))

    def items_for(self, user, *, admin: bool = False) -> list[dict]:
        """The entries ``user`` may see, resolved to URLs; an entry whose page does not exist is left out."""
        items = []
        for entry in self.all():
            if entry.admin != admin or not entry.visible(user):
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": entry.label, "icon": entry.icon, "name": entry.url_name})
        return items


@dataclass(frozen=True)
class Tile:
    label: str
    value: object
    url: str = ""
    danger: bool = False
    testid: str = ""
    name: str = ""  # the registered name; filled in by ``tiles_for``


def tiles_for(user) -> list[Tile]:
    """The registered dashboard tiles ``user`` may see, in order (a tile function returns None to hide itself)."""
    tiles = []
    for entry in dashboard_tiles.all():
        tile = entry.func(user)
        if tile is not None:
            tiles.append(replace(tile, name=entry.name))
    return tiles


navigation = Navigation()
dashboard_tiles = Registry("dashboard tile")
