"""The organisation as a target plan sees it: company → teams (the team tree) → reps, loaded in two queries.

A node's key is the one ``Target.node`` stores: ``company``, ``team:<id>`` or ``user:<id>``. The children of the
company are the top-level teams and the reps without a team; the children of a team are its sub-teams and its
active reps. A node's *people* (whose figures are its actual) are every active user in its subtree.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from salesflow.org.models import Role, Team, User

COMPANY = "company"


@dataclass
class Node:
    key: str
    label: str
    kind: str  # "company" | "team" | "user"
    parent: str | None
    depth: int = 0
    children: list[str] = field(default_factory=list)
    team_id: int | None = None
    user_id: int | None = None


def node_ids(key: str) -> dict:
    """``team:3`` -> {"team_id": 3, "user_id": None}; ``company`` -> both None."""
    kind, _sep, pk = key.partition(":")
    return {"team_id": int(pk) if kind == "team" else None, "user_id": int(pk) if kind == "user" else None}


class OrgTree:
    def __init__(self, teams, users):
        """``teams``: (id, name, parent_id, path) ordered by path; ``users``: (id, label, team_id, role, username)."""
        self.nodes: dict[str, Node] = {COMPANY: Node(COMPANY, _("Company"), "company", None)}
        self._members: dict[str, list[int]] = {COMPANY: []}  # active users directly in a node (team or company)
        self._usernames: dict[str, str] = {}
        for pk, name, parent_id, _path in teams:
            parent = f"team:{parent_id}" if parent_id else COMPANY
            key = f"team:{pk}"
            depth = self.nodes[parent].depth + 1 if parent in self.nodes else 1
            self.nodes[key] = Node(key, name, "team", parent, depth, team_id=pk)
            self._members[key] = []
            self.nodes.setdefault(parent, self.nodes[COMPANY]).children.append(key)
        for pk, label, team_id, role, username in users:
            parent = f"team:{team_id}" if team_id and f"team:{team_id}" in self.nodes else COMPANY
            self._members[parent].append(pk)
            if role == Role.REP:
                key = f"user:{pk}"
                self._usernames[username] = key
                self.nodes[key] = Node(key, label, "user", parent, self.nodes[parent].depth + 1, user_id=pk)
                self.nodes[parent].children.append(key)

    @classmethod
    def load(cls) -> "OrgTree":
        teams = Team.objects.order_by("path").values_list("id", "name", "parent_id", "path")
        users = [(pk, display or username, team_id, role, username) for pk, username, display, team_id, role in
                 User.objects.filter(is_active=True).order_by("username")
                 .values_list("id", "username", "display_name", "team_id", "role")]
        return cls(list(teams), users)

    def __contains__(self, key):
        return key in self.nodes

    def children(self, key: str) -> list[str]:
        return self.nodes[key].children

    def walk(self, key: str = COMPANY):
        """The node and its descendants, parents first (depth first, in path/username order)."""
        yield key
        for child in self.nodes[key].children:
            yield from self.walk(child)

    def people(self, key: str) -> list[int]:
        """Every active user in the node's subtree (a rep: just them)."""
        node = self.nodes[key]
        if node.kind == "user":
            return [node.user_id]
        result = []
        for k in self.walk(key):
            if self.nodes[k].kind != "user":
                result.extend(self._members.get(k, []))
        return result

    def headcount(self, key: str) -> int:
        """Active reps in the node's subtree."""
        if self.nodes[key].kind == "user":
            return 1
        return sum(1 for k in self.walk(key) if self.nodes[k].kind == "user")

    def label(self, key: str) -> str:
        node = self.nodes.get(key)
        return node.label if node else key

    def find(self, text: str) -> str | None:
        """A node from what a person types: ``company``/公司, a team's name, or a username."""
        text = (text or "").strip()
        if text.lower() in (COMPANY, _("Company").lower(), "公司"):
            return COMPANY
        for node in self.nodes.values():
            if node.kind == "team" and node.label == text:
                return node.key
        return self._usernames.get(text)
