"""Pages of reports (filled in by its concept)."""

urlpatterns = []
