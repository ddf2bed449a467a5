from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salesflow.pipeline"
    label = "pipeline"
    verbose_name = _("Opportunities")

    def ready(self):
        from . import generate, jobs, maven, sections  # noqa: F401  (generator, scheduled jobs, maven-crm, 360 section)
        from .analytics import api_reports  # noqa: F401  (salesflow report funnel|win-rates|cycle|forecast|stalled)
