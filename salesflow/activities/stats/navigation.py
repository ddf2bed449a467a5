"""The menu entry of the activity statistics (活动统计): managers, directors and the admin see their people; a rep
sees their own figures; finance sees no field work, so no entry."""

from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import navigation

from .selectors import sees_field_work


def sees_statistics(user) -> bool:
    return user.is_authenticated and sees_field_work(user)


navigation.register("activities:stats", _("Activity statistics"), "▥", order=160, visible=sees_statistics)
