from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers, sells

navigation.register("customers:list", _("Customers"), "◉", order=30)
navigation.register("customers:pool", _("Customer pool"), "◌", order=40, visible=sells)
navigation.register("customers:contacts", _("Contacts"), "☏", order=50)
navigation.register("customers:settings", _("Customer settings"), "⚙", order=40, visible=administers, admin=True)
