from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers

navigation.register("catalog:products", _("Products"), "▣", order=70, visible=administers, admin=True)
navigation.register("catalog:price_lists", _("Price lists"), "¥", order=71, visible=administers, admin=True)
navigation.register("catalog:discount_limits", _("Discount limits"), "%", order=72, visible=administers, admin=True)
