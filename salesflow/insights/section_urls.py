"""Pages under /insights/ (namespace ``insights:``): one URL list per concept."""

from .alerts.urls import urlpatterns as alert_urls
from .dashboards.urls import urlpatterns as dashboard_urls
from .delivery.urls import urlpatterns as delivery_urls

app_name = "insights"
urlpatterns = [*alert_urls, *delivery_urls, *dashboard_urls]
