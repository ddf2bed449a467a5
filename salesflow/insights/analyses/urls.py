from django.urls import path

from . import views

urlpatterns = [
    path("analyses/", views.index, name="analyses"),
    path("analyses/churn/", views.churn, name="analysis-churn"),
    path("analyses/rfm/", views.rfm, name="analysis-rfm"),
    path("analyses/bcg/", views.bcg, name="analysis-bcg"),
    path("analyses/ltv/", views.ltv, name="analysis-ltv"),
    path("analyses/customer-structure/", views.customer_structure, name="analysis-structure"),
    path("analyses/lead-sources/", views.lead_sources, name="analysis-lead-sources"),
    path("analyses/lead-sources/costs/", views.source_costs, name="source-costs"),
]
