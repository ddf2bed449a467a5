from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salesflow.pipeline"
    label = "pipeline"
    verbose_name = _("Opportunities")

    def ready(self):
        from . import sections  # noqa: F401  (the customer 360 section)
