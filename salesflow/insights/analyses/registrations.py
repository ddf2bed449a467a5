"""What the analyses plug in: the menu entry, the CLI reports (salesflow report rfm|bcg|churn|lead-sources|
customer-structure|ltv) and the demo data step."""

from . import generate, navigation, reports  # noqa: F401
