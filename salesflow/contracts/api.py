"""The contracts API under /api/v1/contracts/: one router per concept."""

from ninja import Router

from .agreements.api import router as agreements_router
from .quotations.api import router as quotations_router
from .receivables.api import router as receivables_router

router = Router(tags=["contracts"])
router.add_router("/quotations/", quotations_router)
router.add_router("/agreements/", agreements_router)
router.add_router("/", receivables_router)  # /payments/, /invoices/, /receivables/
