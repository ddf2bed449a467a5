from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation

from .filters import may_analyse

navigation.register("insights:analyses", _("Analyses"), "◫", order=170, visible=may_analyse)
