"""The data generator's shared context. Each app registers a step in ``core.registry.generator_steps``.

Scale N means: N customers and (as the pipeline lands) N opportunities, and reps = N / 2000 (6 to 500).
Everything is seeded, so the same scale and seed give the same data.
"""

import random
import time
from dataclasses import dataclass, field

BATCH = 5000


@dataclass
class GenerateContext:
    scale: int
    seed: int = 7
    stdout: object = None
    rng: random.Random = field(init=False)
    shared: dict = field(default_factory=dict)  # what earlier steps made (reps, teams, regions, ...)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    @property
    def rep_count(self) -> int:
        return max(6, min(500, self.scale // 2000))

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def bulk_insert(model, objects, *, batch: int = BATCH, ctx: GenerateContext | None = None, label: str = ""):
    """Insert an iterable of unsaved instances in batches; returns how many were written."""
    started = time.monotonic()
    count = 0
    chunk = []
    for obj in objects:
        chunk.append(obj)
        if len(chunk) >= batch:
            model.objects.bulk_create(chunk, batch_size=batch)
            count += len(chunk)
            chunk = []
            if ctx and count % (batch * 20) == 0:
                ctx.log(f"  {label or model.__name__}: {count:,}")
    if chunk:
        model.objects.bulk_create(chunk, batch_size=batch)
        count += len(chunk)
    if ctx:
        ctx.log(f"  {label or model.__name__}: {count:,} in {time.monotonic() - started:.1f}s")
    return count
