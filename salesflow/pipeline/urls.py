from django.urls import path

from . import settings_views, views

app_name = "pipeline"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("kanban/", views.kanban, name="kanban"),
    path("new/", views.opportunity_new, name="new"),
    path("stats/", views.distribution, name="stats"),
    path("settings/", settings_views.pipeline_settings, name="settings"),
    path("settings/pipelines/new/", settings_views.pipeline_edit, name="pipeline_new"),
    path("settings/pipelines/<int:pk>/", settings_views.pipeline_edit, name="pipeline_edit"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/lines/", views.lines, name="lines"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/actions/", views.tick_actions, name="actions"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/win/", views.close, {"outcome": "win"}, name="win"),
    path("<int:pk>/lose/", views.close, {"outcome": "lose"}, name="lose"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
]
