"""Pages under /insights/ (namespace ``insights:``): one URL list per concept."""

from .alerts.urls import urlpatterns as alert_urls
from .analyses.urls import urlpatterns as analysis_urls
from .dashboards.urls import urlpatterns as dashboard_urls
from .delivery.urls import urlpatterns as delivery_urls
from .reports.urls import urlpatterns as report_urls

app_name = "insights"
urlpatterns = [*alert_urls, *delivery_urls, *dashboard_urls, *analysis_urls, *report_urls]
