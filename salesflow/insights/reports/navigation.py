from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation
from salesflow.org.navigation import administers

from .views import reads_reports

navigation.register("insights:reports", _("Sales reports"), "▤", order=185, visible=reads_reports)
navigation.register("insights:report-subscriptions", _("Report subscriptions"), "▤", order=88, visible=administers,
                    admin=True)
