"""Pages of followups (filled in by its concept)."""

urlpatterns = []
