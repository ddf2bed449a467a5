"""Pages under /activities/: one URL list per concept, one namespace (``activities:``)."""

from .followups.urls import urlpatterns as followup_urls
from .reports.urls import urlpatterns as report_urls
from .stats.urls import urlpatterns as stats_urls
from .tasks.urls import urlpatterns as task_urls
from .visits.urls import urlpatterns as visit_urls

app_name = "activities"
urlpatterns = [*visit_urls, *followup_urls, *task_urls, *report_urls, *stats_urls]
