"""Visit plans (拜访计划): whom a rep will visit, when, why, and the commitment sought (晋级承诺: the next step the
customer should agree to). On the day the rep checks in (time, and the browser's location when allowed) and then
records the visit, which becomes an ``Activity`` of kind ``visit`` linked back to the plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.org.access import OwnedQuerySet


class VisitPlanQuerySet(OwnedQuerySet):
    def on(self, day):
        return self.filter(planned_on=day)

    def between(self, first_day, last_day):
        """Plans for the days ``first_day`` … ``last_day`` (inclusive)."""
        return self.filter(planned_on__gte=first_day, planned_on__lte=last_day)

    def open(self):
        return self.filter(status__in=[VisitPlan.Status.PLANNED, VisitPlan.Status.CHECKED_IN])


class VisitPlan(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("visit plan status", "Planned")  # 已计划
        CHECKED_IN = "checked_in", _("Checked in")  # 已签到
        DONE = "done", pgettext_lazy("visit plan status", "Visited")  # 已拜访
        CANCELLED = "cancelled", pgettext_lazy("visit plan status", "Cancelled")  # 已取消

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="visit_plans")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="visit_plans")
    contacts = models.ManyToManyField("customers.Contact", verbose_name=_("contacts"), blank=True,
                                      related_name="visit_plans")
    opportunity = models.ForeignKey("pipeline.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="visit_plans")
    planned_on = models.DateField(_("date"))
    planned_time = models.TimeField(_("time"), null=True, blank=True)
    objective = models.CharField(_("objective"), max_length=300)
    commitment_sought = models.CharField(_("commitment sought"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # Check-in: the moment, and where the browser said the rep was (only when the rep allowed it).
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy = models.PositiveIntegerField(_("location accuracy (m)"), null=True, blank=True)
    # The visit record that scheduled this plan as its next visit, if any.
    source_activity = models.ForeignKey("activities.Activity", verbose_name=_("scheduled by"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="next_plans")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VisitPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["planned_on", "planned_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                                   name="visitplan_latitude_range"),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="visitplan_longitude_range"),
        ]
        indexes = [
            models.Index(fields=["owner", "planned_on"], name="visitplan_owner_idx"),
            models.Index(fields=["team", "planned_on"], name="visitplan_team_idx"),
            models.Index(fields=["customer", "planned_on"], name="visitplan_customer_idx"),
        ]

    def __str__(self):
        return f"{self.planned_on:%Y-%m-%d} {self.customer} · {self.objective}"

    def get_absolute_url(self):
        return reverse("activities:visit-detail", args=[self.pk])

    def check_in_refusal(self, today=None) -> str | None:
        """Why the rep cannot check in on this plan's day ``today`` (default: the local date), or ``None``.
        A check-in says "I am at the customer now", so it is refused for a plan dated after today; a plan for today
        or an overdue one may be checked in. The status rule (planned only, once) stays in the service."""
        today = today or timezone.localdate()
        if self.planned_on and self.planned_on > today:
            return gettext("This visit is planned for %(day)s: you can check in only on or after that day. "
                     "To visit today, first move the plan to today.") % {"day": f"{self.planned_on:%Y-%m-%d}"}
        return None

    @property
    def may_check_in(self) -> bool:
        """Whether the check-in button is offered: a planned visit whose day has come (pages use it)."""
        return self.status == self.Status.PLANNED and self.check_in_refusal() is None
