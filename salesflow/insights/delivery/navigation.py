from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers

navigation.register("insights:channels", _("Message channels"), "✉", order=87, visible=administers, admin=True)
