"""Pages of this concept (filled in as it is built)."""

urlpatterns = []
