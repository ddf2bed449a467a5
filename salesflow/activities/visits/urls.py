"""Pages of visits (filled in by its concept)."""

urlpatterns = []
