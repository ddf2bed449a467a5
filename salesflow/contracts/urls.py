"""Pages under /contracts/: one URL list per concept, one namespace (``contracts:``)."""

from .agreements.urls import urlpatterns as agreement_urls
from .quotations.urls import urlpatterns as quotation_urls
from .receivables.urls import urlpatterns as receivable_urls

app_name = "contracts"
urlpatterns = [*quotation_urls, *agreement_urls, *receivable_urls]
