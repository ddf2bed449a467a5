"""/api/v1/insights/: each concept's router."""

from ninja import Router

from .alerts.api import router as alert_router
from .dashboards.api import router as dashboard_router
from .delivery.api import router as delivery_router

router = Router()
router.add_router("", alert_router)
router.add_router("", delivery_router)
router.add_router("", dashboard_router)
