from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers, sells

# Finance reads no pipeline records (org.access), so its menu offers no pipeline pages: they would show only zeros.
navigation.register("pipeline:list", _("Opportunities"), "◆", order=60, visible=sells)
navigation.register("pipeline:kanban", _("Kanban"), "▥", order=70, visible=sells)
navigation.register("analytics:funnel", _("Funnel"), "▽", order=80, visible=sells)
navigation.register("analytics:forecast", _("Forecast"), "◔", order=90, visible=sells)
navigation.register("pipeline:settings", _("Pipelines"), "⚙", order=60, visible=administers, admin=True)
