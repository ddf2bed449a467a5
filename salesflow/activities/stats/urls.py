"""Pages of stats (filled in by its concept)."""

urlpatterns = []
