"""The activities API under /api/v1/activities/: one router per concept."""

from ninja import Router

from .followups.api import router as followups_router
from .reports.api import router as reports_router
from .stats.api import router as stats_router
from .tasks.api import router as tasks_router
from .visits.api import router as visits_router

router = Router(tags=["activities"])
router.add_router("/visits/", visits_router)
router.add_router("/followups/", followups_router)
router.add_router("/tasks/", tasks_router)
router.add_router("/reports/", reports_router)
router.add_router("/statistics/", stats_router)
