from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salesflow.pipeline"
    label = "pipeline"
    verbose_name = _("Opportunities")

    def ready(self):
        # generator, scheduled jobs, maven-crm steps, menu entries, customer 360 section, dashboard tiles; reports
        # (salesflow report funnel|win-rates|cycle|forecast|stalled)
        from . import generate, jobs, maven, navigation, sections, tiles  # noqa: F401
        from .analytics import api_reports  # noqa: F401
