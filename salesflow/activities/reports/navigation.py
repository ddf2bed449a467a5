"""Menu entries of work reports: the reports (sales roles) and the admin's deadlines."""

from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers, sells

navigation.register("activities:report-list", _("Work reports"), "▤", order=150, visible=sells)
navigation.register("activities:report-settings", _("Report settings"), "⚙", order=85, visible=administers,
                    admin=True)
