"""Pages under /performance/: one URL list per concept, one namespace (``performance:``)."""

from .commission.urls import urlpatterns as commission_urls
from .kpis.urls import urlpatterns as kpi_urls
from .targets.urls import urlpatterns as target_urls

app_name = "performance"
urlpatterns = [*target_urls, *kpi_urls, *commission_urls]
