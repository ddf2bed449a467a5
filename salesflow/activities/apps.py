from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Field work: visit plans and records, follow-ups, tasks and reminders, calendar, work reports, statistics."""

    name = "salesflow.activities"
    label = "activities"
    verbose_name = _("Field work")

    def ready(self):
        # Each concept registers its menu entries, page sections, jobs, reports and importer in its own modules.
        from . import registrations  # noqa: F401
