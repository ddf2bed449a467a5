"""A manager signs off their team's part of a draft plan: the team node and everything below it add up (over time
and over the organisation) and the reps' bottom-up proposals were reviewed (those that differ from the top-down
figure are counted and must be acknowledged). The director's final approval then names the team nodes not signed
off; it warns rather than refuses (see :func:`unsigned_nodes`): the director owns the company plan and must not be
blocked by an absent manager, but the approval records which parts went unsigned.

A sign-off stores a fingerprint of the part's figures; when they change afterwards it no longer counts and the plan
page says "changed since the sign-off"."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.org.models import Role, User

from ..models import TargetSignOff
from . import services
from .tree import OrgTree


def signable_nodes(tree: OrgTree) -> dict[str, str]:
    """The team nodes a manager signs off — every team with an active manager in it — mapped to the manager's
    name (one query)."""
    result = {}
    managers = (User.objects.filter(is_active=True, role=Role.MANAGER, team__isnull=False)
                .order_by("username").values_list("team_id", "display_name", "username"))
    for team_id, display, username in managers:
        key = f"team:{team_id}"
        if key in tree and key not in result:
            result[key] = display or username
    return result


def fingerprint(tree: OrgTree, grid: dict, node: str) -> str:
    part = set(tree.walk(node))
    lines = sorted(f"{key}|{label}|{cell.amount}" for (key, label), cell in grid.items() if key in part)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def open_proposals(tree: OrgTree, grid: dict, node: str) -> list:
    """The cells of the part whose bottom-up proposal differs from the top-down figure."""
    part = set(tree.walk(node))
    return sorted((cell for (key, _label), cell in grid.items()
                   if key in part and cell.proposed is not None and cell.proposed != cell.amount),
                  key=lambda c: (c.node, c.starts_on, c.period_kind))


@dataclass
class Status:
    node: str
    label: str
    manager: str
    signed_by: str = ""
    signed_at: object = None
    current: bool = False  # signed off and unchanged since

    @property
    def stale(self) -> bool:
        return bool(self.signed_by) and not self.current


def statuses(plan, tree: OrgTree, grid: dict) -> dict[str, Status]:
    """Every signable node's sign-off state on a plan (two queries)."""
    signed = {s.node: s for s in TargetSignOff.objects.filter(plan=plan).select_related("signed_by")}
    result = {}
    for node, manager in signable_nodes(tree).items():
        status = Status(node, tree.label(node), manager)
        if node in signed:
            s = signed[node]
            status.signed_by, status.signed_at = str(s.signed_by), s.signed_at
            status.current = s.fingerprint == fingerprint(tree, grid, node)
        result[node] = status
    return result


def unsigned_nodes(plan, tree: OrgTree | None = None, grid: dict | None = None) -> list[Status]:
    tree = tree or OrgTree.load()
    grid = grid if grid is not None else services.cells(plan)
    return [s for s in statuses(plan, tree, grid).values() if not s.current]


@transaction.atomic
def sign_off_node(*, actor, plan, node: str, proposals_reviewed: bool = False, version=None) -> TargetSignOff:
    """Sign off a team's part of a draft plan: refused unless the actor oversees the team, the part adds up (the
    differences named) and — when reps' proposals differ from the top-down figures — ``proposals_reviewed``."""
    plan = services._locked_draft(plan, version)  # noqa: SLF001 (the one lock-and-version rule of plans)
    tree = OrgTree.load()
    if node not in signable_nodes(tree):
        raise ValidationError({"node": _("Only a team led by a manager is signed off: %(node)s is not one.")
                               % {"node": tree.label(node) if node in tree else node}})
    if not (actor is not None and actor.is_manager_or_above and services.can_allocate(actor, tree, node)):
        raise PermissionDenied(_("Only the team's manager (or above) signs off this part of the plan."))
    grid = services.cells(plan)
    part = set(tree.walk(node))
    problems = [m for m in services.check_plan(plan, tree, grid) if m.node in part]
    if problems:
        raise ValidationError({"node": _("%(node)s cannot be signed off: %(problems)s")
                               % {"node": tree.label(node), "problems": services.describe(problems, tree)}})
    gaps = open_proposals(tree, grid, node)
    if gaps and not proposals_reviewed:
        shown = "; ".join(f"{tree.label(c.node)} {c.period}: {c.proposed} / {c.amount}" for c in gaps[:5])
        raise ValidationError({"proposals_reviewed": _(
            "%(count)s proposals differ from the top-down figures (proposed / top-down: %(cells)s). Review them "
            "and confirm.") % {"count": len(gaps), "cells": shown}})
    sign_off, _created = TargetSignOff.objects.update_or_create(
        plan=plan, node=node, defaults={"signed_by": actor, "signed_at": timezone.now(),
                                        "fingerprint": fingerprint(tree, grid, node), "open_gaps": len(gaps)})
    audit.record(plan, "update", changes={"node": node, "signed_off_by": str(actor), "open_gaps": len(gaps)},
                 note="sign_off")
    return sign_off
