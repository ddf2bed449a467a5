from django.urls import path

from . import views

urlpatterns = [
    path("analyses/", views.index, name="analyses"),
    path("analyses/churn/", views.churn, name="analysis-churn"),
    path("analyses/rfm/", views.rfm, name="analysis-rfm"),
    path("analyses/bcg/", views.bcg, name="analysis-bcg"),
]
