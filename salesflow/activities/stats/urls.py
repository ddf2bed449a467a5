"""Pages of the activity statistics (/activities/statistics/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("statistics/", views.statistics, name="stats"),
]
