from .registry import navigation as menu


def navigation(request):
    """The side menu from what each app registered (``core.registry.navigation``), filtered for the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = menu.items_for(user)
    admin_nav = menu.items_for(user, admin=True)
    current = request.path
    for item in nav + admin_nav:
        item["active"] = current == item["url"] or (item["url"] != "/" and current.startswith(item["url"]))
    from .models import Notification

    unread = Notification.objects.filter(recipient=user).unread().count()
    return {"nav_sections": nav, "nav_admin": admin_nav, "unread_notifications": unread}
