from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salesflow.pipeline"
    label = "pipeline"
    verbose_name = _("Opportunities")

    def ready(self):
        from . import generate, maven, navigation, sections, tiles  # noqa: F401  (generator, maven-crm steps,
        # menu entries, customer 360 section, dashboard tiles)
        from .analytics import api_reports  # noqa: F401  (salesflow report funnel|win-rates|cycle|forecast|stalled)
