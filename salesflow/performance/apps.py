from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    """Plan and measure: targets and their decomposition, KPIs and scorecards, leaderboards, commission.

    It reads the figures the apps below compute (``figures.py``) and writes nothing back into them."""

    name = "salesflow.performance"
    label = "performance"
    verbose_name = _("Performance")

    def ready(self):
        from . import registrations  # noqa: F401
