"""The follow-ups menu entry (sales roles only)."""

from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import sells

navigation.register("activities:followup-list", _("Follow-ups"), "✆", order=9, visible=sells)
