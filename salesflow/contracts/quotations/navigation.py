from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import sells

navigation.register("contracts:quotation-list", _("Quotations"), "✎", order=75, visible=sells)
