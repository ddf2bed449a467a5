"""Pages of tasks and the calendar."""

from django.urls import path

from . import calendar_views, views

urlpatterns = [
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/new/", views.task_new, name="task-new"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/done/", views.task_action, {"action": "done"}, name="task-done"),
    path("tasks/<int:pk>/reopen/", views.task_action, {"action": "reopen"}, name="task-reopen"),
    path("tasks/<int:pk>/cancel/", views.task_action, {"action": "cancel"}, name="task-cancel"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
]
