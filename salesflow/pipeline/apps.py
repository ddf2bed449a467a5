from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salesflow.pipeline"
    label = "pipeline"
    verbose_name = _("Opportunities")

    def ready(self):
        # generator, maven-crm steps, menu entries, customer 360 section, dashboard tiles; and the reports
        # (salesflow report funnel|win-rates|cycle|forecast|stalled)
        from . import generate, maven, navigation, sections, tiles  # noqa: F401
        from .analytics import api_reports  # noqa: F401
