"""Menu entries of field work's visits: the rep's "today" page and the visit plans (not for finance)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.core.registry import navigation
from salesflow.org.navigation import sells

navigation.register("activities:today", pgettext_lazy("menu", "Today"), "☀", order=5, visible=sells)
navigation.register("activities:visit-list", _("Visit plans"), "⚑", order=6, visible=sells)
