"""Who sees which menu entry, and the organisation's own administration entries.

The predicates are the one place that says which roles a menu entry is for; other apps pass them as
``visible=`` when they register their entries in ``core.registry.navigation``.
"""

from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation

from .models import Role


def sells(user) -> bool:
    """Leads, the customer pool and the pipeline are selling work: every role but finance."""
    return user.is_superuser or user.role != Role.FINANCE


def administers(user) -> bool:
    return user.is_org_admin


navigation.register("org:users", _("Users"), "☺", order=10, visible=administers, admin=True)
navigation.register("org:teams", _("Teams"), "⌂", order=20, visible=administers, admin=True)
navigation.register("org:regions", _("Regions"), "◈", order=30, visible=administers, admin=True)
