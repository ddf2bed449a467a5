"""Users, roles and data scopes; the team tree and the region tree; personal API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DIRECTOR = "director", _("Sales director")
    MANAGER = "manager", _("Sales manager")
    REP = "rep", _("Sales rep")
    FINANCE = "finance", _("Finance")


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    TEAM = "team", _("Own team and its sub-teams")
    ALL = "all", _("All records")


DEFAULT_SCOPE = {
    Role.ADMIN: Scope.ALL,
    Role.DIRECTOR: Scope.ALL,
    Role.MANAGER: Scope.TEAM,
    Role.REP: Scope.OWN,
    Role.FINANCE: Scope.ALL,
}


class TreeNode(AuditedModel, VersionedModel):
    """A node of a tree stored with a materialised path ("/12/40/"), so a subtree is one indexed prefix match."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self._state.adding:
                self.path = ""  # placeholder until the primary key exists
                super().save(*args, **kwargs)
                self._set_path()
                type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            else:
                old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
                self._set_path()
                super().save(*args, **kwargs)
                if old_path and old_path != self.path:
                    self._move_descendants(old_path)

    def _set_path(self):
        parent_path = self.parent.path if self.parent_id else "/"
        if f"/{self.pk}/" in parent_path:  # the new parent is this node or one of its descendants
            raise ValidationError({"parent": _("A node cannot be moved under itself or its own descendant.")})
        self.path = f"{parent_path}{self.pk}/"
        self.depth = self.path.count("/") - 2

    def _move_descendants(self, old_path):
        model = type(self)
        for node in model.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            node.path = self.path + node.path[len(old_path):]
            node.depth = node.path.count("/") - 2
            model.objects.filter(pk=node.pk).update(path=node.path, depth=node.depth)

    def clean(self):
        if self.pk and self.parent_id and f"/{self.pk}/" in self.parent.path:
            raise ValidationError({"parent": _("A node cannot be moved under itself or its own descendant.")})

    def subtree(self):
        return type(self).objects.filter(path__startswith=self.path)

    @classmethod
    def ids_named(cls, ref: str) -> list[int]:
        """The nodes a command line names by ``ref``: those bearing that name (names repeat under different parents),
        else the node whose id it is. At most two ids: two mean the name is ambiguous; none, that nothing bears it."""
        ids = list(cls.objects.filter(name=ref).values_list("pk", flat=True)[:2])
        if not ids and ref.isdigit():
            ids = list(cls.objects.filter(pk=int(ref)).values_list("pk", flat=True))
        return ids

    @property
    def indented_name(self):
        return "\u3000" * self.depth + self.name


class Team(TreeNode):
    manager = models.ForeignKey(
        "org.User", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(TreeNode.Meta):
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="team_unique_name_in_parent")]


class Region(TreeNode):
    code = models.CharField(_("code"), max_length=20, blank=True)

    class Meta(TreeNode.Meta):
        verbose_name = _("sales region")
        verbose_name_plural = _("sales regions")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")]


class User(AuditedModel, AbstractUser):
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REP)
    scope = models.CharField(_("data scope"), max_length=4, choices=Scope.choices, default=Scope.OWN)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        indexes = [models.Index(fields=["team", "role"], name="user_team_role_idx")]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def audit_snapshot(self):
        snapshot = super().audit_snapshot()
        snapshot.pop("password", None)  # never copy a hash into the audit log
        snapshot.pop("last_login", None)
        return snapshot

    @property
    def is_org_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def is_manager_or_above(self) -> bool:
        return self.role in {Role.ADMIN, Role.DIRECTOR, Role.MANAGER} or self.is_superuser


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    PREFIX = "sf_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="first characters, to recognise the token")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(raw), hint=raw[:10])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str):
        token = cls.objects.active().select_related("user").filter(token_hash=hash_token(raw)).first()
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)  # at most one write a minute per token
        return token.user

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class LoginFailure(models.Model):
    """Failed login attempts, kept briefly, to throttle password guessing across all app servers."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"
