from django.utils.translation import gettext_lazy as _

from .registry import navigation

navigation.register("core-audit", _("Audit log"), "☰", order=900, visible=lambda user: user.is_org_admin, admin=True)
