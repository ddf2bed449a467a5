from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "salesflow.catalog"
    label = "catalog"
    verbose_name = _("Product catalogue")

    def ready(self):
        from . import navigation  # noqa: F401  (admin menu entry)
