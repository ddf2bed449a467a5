"""Documents that go through approval register their hooks here, in their AppConfig.ready()::

    from salesflow.approvals import registry
    registry.register(Agreement, on_approved=activate, on_rejected=back_to_draft)

``on_approved(document, actor)`` runs inside the transaction of the last approval; ``on_rejected(document, actor,
comment)`` inside the transaction of the rejection; ``on_withdrawn(document, actor)`` (optional) inside the
withdrawal's. Approvals never imports the apps above it: documents are addressed by ContentType + object id.
"""

from collections.abc import Callable
from dataclasses import dataclass


def _nothing(*args, **kwargs):
    return None


@dataclass(frozen=True)
class Hooks:
    on_approved: Callable = _nothing
    on_rejected: Callable = _nothing
    on_withdrawn: Callable = _nothing


_hooks: dict[type, Hooks] = {}


def register(model_class, *, on_approved: Callable = _nothing, on_rejected: Callable = _nothing,
             on_withdrawn: Callable = _nothing) -> None:
    _hooks[model_class._meta.concrete_model] = Hooks(on_approved, on_rejected, on_withdrawn)


def unregister(model_class) -> None:
    _hooks.pop(model_class._meta.concrete_model, None)


def hooks_for(model_class) -> Hooks:
    return _hooks.get(model_class._meta.concrete_model, Hooks())


def registered(model_class) -> bool:
    return model_class._meta.concrete_model in _hooks
