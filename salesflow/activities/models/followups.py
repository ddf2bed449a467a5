"""Follow-up records (跟进记录): every call, meeting, e-mail, WeChat message, note and visit a rep records.

A visit record is an ``Activity`` of kind ``visit`` linked to the ``VisitPlan`` it fulfils (a visit may also be
recorded without a plan). Owner and team are copied from the rep when the record is written, so access checks and
team statistics read one table. Recording one moves the customer's / lead's "last contact" forward (the pool's
auto-return and the untouched-lead reminders count real follow-ups)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.org.access import OwnedQuerySet


class ActivityQuerySet(OwnedQuerySet):
    def between(self, start, end):
        """Activities that happened in ``[start, end)`` (aware datetimes)."""
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)

    def visits(self):
        return self.filter(kind=Activity.Kind.VISIT)


class Activity(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Kind(models.TextChoices):
        VISIT = "visit", pgettext_lazy("activity kind", "Visit")  # 拜访
        CALL = "call", pgettext_lazy("activity kind", "Call")  # 电话
        MEETING = "meeting", pgettext_lazy("activity kind", "Meeting")  # 会议
        EMAIL = "email", pgettext_lazy("activity kind", "E-mail")  # 邮件
        WECHAT = "wechat", pgettext_lazy("activity kind", "WeChat")  # 微信
        NOTE = "note", pgettext_lazy("activity kind", "Note")  # 备注

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    # "subject" alone is the opportunity's name (商机名称) in the pipeline catalogue: this one is a follow-up's 主题.
    subject = models.CharField(pgettext_lazy("follow-up", "subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="activities")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # What it is about: a customer or a lead (at least one), optionally a contact, an opportunity, an agreement.
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="activities")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="activities")
    opportunity = models.ForeignKey("pipeline.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="activities")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="activities")
    agreement = models.ForeignKey("contracts.Agreement", verbose_name=_("contract / order"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="activities")
    # Visit records: the plan fulfilled, what came of it, and the commitment (晋级承诺) obtained or not.
    visit_plan = models.OneToOneField("activities.VisitPlan", verbose_name=_("visit plan"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="record")
    outcome = models.TextField(_("outcome"), blank=True)
    commitment_obtained = models.BooleanField(_("commitment obtained"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_contact_on = models.DateField(_("next contact on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(customer__isnull=False) | Q(lead__isnull=False),
                                   name="activity_has_customer_or_lead"),
        ]
        indexes = [
            # Covering: a rep's or a team's report figures and statistics count kinds and distinct customers of
            # the owners' activities in a date range from the index alone (PostgreSQL; SQLite ignores INCLUDE);
            # team too, which a manager's visibility rule reads.
            models.Index(fields=["owner", "occurred_at"], include=["kind", "customer", "id", "team"],
                         name="activity_owner_team_cover_idx"),
            models.Index(fields=["team", "occurred_at"], name="activity_team_idx"),
            models.Index(fields=["customer", "-occurred_at"], name="activity_customer_idx"),
            models.Index(fields=["opportunity", "-occurred_at"], name="activity_opportunity_idx"),
            models.Index(fields=["lead", "-occurred_at"], name="activity_lead_idx"),
            models.Index(fields=["agreement", "-occurred_at"], name="activity_agreement_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject}"

    def get_absolute_url(self):
        return reverse("activities:activity-detail", args=[self.pk])
