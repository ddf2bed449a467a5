"""/api/v1/performance/: each concept's router."""

from ninja import Router

from .commission.api import router as commission_router
from .kpis.api import router as kpi_router
from .targets.api import router as target_router

router = Router()
router.add_router("/targets/", target_router)
router.add_router("/kpis/", kpi_router)
router.add_router("/commission/", commission_router)
