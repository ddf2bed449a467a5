"""Pages of KPIs, scorecards and leaderboards (under /performance/, namespace ``performance:``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("scorecard/", views.my_scorecard, name="kpi-scorecard"),
    path("team-scorecards/", views.team_scorecards, name="kpi-team-scorecards"),
    path("kpis/settings/", views.scorecard_settings, name="kpi-scorecard-settings"),
    path("kpis/<slug:key>/records/", views.drill_down, name="kpi-drill"),
    path("leaderboard/", views.leaderboard, name="kpi-leaderboard"),
    path("kpis/manual/", views.manual_values, name="kpi-manual-values"),
]
