"""Pages of tasks (filled in by its concept)."""

urlpatterns = []
