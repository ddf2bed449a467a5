"""The generator's last step: evaluate the alert rules once, so a fresh demo opens with its alerts (red and yellow)
already raised. Past demo sizes it leaves them to the worker, which evaluates each rule on its own schedule."""

from salesflow.core.generator import GenerateContext
from salesflow.core.registry import generator_steps

from .alerts.services import evaluate_rule
from .models import AlertRule

EVALUATE_UP_TO_SCALE = 20_000


@generator_steps.register("alerts", "evaluate the alert rules once (demo sizes; the worker does it at larger ones)",
                          order=1000)
def generate_alerts(ctx: GenerateContext) -> None:
    if ctx.scale > EVALUATE_UP_TO_SCALE:
        ctx.stdout.write(f"  alerts left to the worker at scale {ctx.scale:,}")
        return
    for rule in AlertRule.objects.filter(active=True):
        result = evaluate_rule(rule)
        ctx.stdout.write(f"  {rule.metric}: {result['open']} open")
