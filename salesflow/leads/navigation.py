from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers, sells

navigation.register("leads:list", _("Leads"), "✦", order=20, visible=sells)
navigation.register("leads:settings", _("Lead settings"), "⚙", order=50, visible=administers, admin=True)
