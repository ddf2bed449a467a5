from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.models import Role
from salesflow.org.navigation import administers


def approves(user) -> bool:
    """Managers, directors, finance and administrators decide approval steps; reps only submit."""
    return user.is_superuser or user.role != Role.REP


def submits_only(user) -> bool:
    return not approves(user)


navigation.register("approvals:inbox", _("Approvals"), "✓", order=95, visible=approves)
navigation.register("approvals:mine", _("My submissions"), "✓", order=95, visible=submits_only)
navigation.register("approvals:rules", _("Approval rules"), "✓", order=80, visible=administers, admin=True)
