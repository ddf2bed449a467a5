from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation

navigation.register("home", _("Dashboard"), "◧", order=0)
