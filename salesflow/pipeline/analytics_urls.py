from django.urls import path

from .analytics import views

app_name = "analytics"
urlpatterns = [
    path("funnel/", views.funnel_page, name="funnel"),
    path("win-rates/", views.win_rates_page, name="win_rates"),
    path("win-rates/apply/", views.apply_rates, name="apply_rates"),
    path("forecast/", views.forecast_page, name="forecast"),
    path("stalled/", views.stalled_page, name="stalled"),
    path("changes/", views.changes_page, name="changes"),
    path("forecast/submissions/", views.submissions_page, name="submissions"),
]
