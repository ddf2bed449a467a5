from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Dashboards and message delivery (WeCom / DingTalk / Feishu robots, e-mail); later alert rules and scheduled
    reports. Renders what the apps below register."""

    name = "salesflow.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from . import (
            generate,  # noqa: F401  (the demo's alerts)
            navigation,  # noqa: F401  (the dashboard's menu entry)
        )
        from .alerts import jobs as alert_jobs  # noqa: F401  (evaluate the rules that are due)
        from .alerts import navigation as alert_navigation  # noqa: F401
        from .dashboards import report as dashboard_report  # noqa: F401  (salesflow report dashboard)
        from .delivery import jobs as delivery_jobs  # noqa: F401  (send what is due, retry what failed)
        from .delivery import navigation as delivery_navigation  # noqa: F401
