from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The product's sections, in menu order: (url name, label, icon). Sections whose page does not exist yet
# (their issue has not landed) are left out, so the menu never links to a 404.
SECTIONS = [
    ("home", _("Dashboard"), "◧"),
    ("leads:list", _("Leads"), "✦"),
    ("customers:list", _("Customers"), "◉"),
    ("customers:pool", _("Customer pool"), "◌"),
    ("customers:contacts", _("Contacts"), "☏"),
    ("pipeline:list", _("Opportunities"), "◆"),
    ("pipeline:kanban", _("Kanban"), "▥"),
    ("analytics:funnel", _("Funnel"), "▽"),
    ("analytics:forecast", _("Forecast"), "◔"),
    ("contracts:list", _("Contracts"), "▤"),
    ("activities:list", _("Activities"), "✎"),
    ("performance:targets", _("Targets & KPIs"), "◎"),
    ("insights:reports", _("Reports"), "▦"),
]
ADMIN_SECTIONS = [
    ("org:users", _("Users"), "☺"),
    ("org:teams", _("Teams"), "⌂"),
    ("org:regions", _("Regions"), "◈"),
    ("customers:settings", _("Customer settings"), "⚙"),
    ("leads:settings", _("Lead settings"), "⚙"),
    ("pipeline:settings", _("Pipelines"), "⚙"),
    ("pipeline:products", _("Products"), "▣"),
    ("core-audit", _("Audit log"), "☰"),
]


def _resolved(entries):
    items = []
    for name, label, icon in entries:
        try:
            items.append({"url": reverse(name), "label": label, "icon": icon, "name": name})
        except NoReverseMatch:
            continue
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = _resolved(SECTIONS)
    admin_nav = _resolved(ADMIN_SECTIONS) if user.is_org_admin else []
    current = request.path
    for item in nav + admin_nav:
        item["active"] = current == item["url"] or (item["url"] != "/" and current.startswith(item["url"]))
    from .models import Notification

    unread = Notification.objects.filter(recipient=user).unread().count()
    return {"nav_sections": nav, "nav_admin": admin_nav, "unread_notifications": unread}
