from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Dashboards (later: alert rules, scheduled reports, webhooks). Renders what the apps below register."""

    name = "salesflow.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from . import navigation  # noqa: F401  (the dashboard's menu entry)
