"""``salesflow import activities FILE`` (and /import/activities/): follow-up records from XLSX or CSV.

Every row is checked without writing (every problem of every row is reported; nothing is written when any row is
bad), then every row is written through :func:`~.services.record_activity` — the same door as the form and the
API — as the importing user, for the owner named in the row (whom the importing user must oversee). On the
command line without ``--user`` each row is recorded by its owner. Columns and rules: docs/import-activities.md.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.contracts.imports.cells import parse_choice, require
from salesflow.core.imports import Column, Importer, cached, register
from salesflow.customers.imports import Problems, find_user
from salesflow.customers.models import Contact, Customer
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

from ..models import Activity
from . import services

COLUMNS = [
    Column("customer", "客户", "customer", required=True, aliases=("客户名称",),
           hint=gettext_lazy("The customer's exact name; you must be able to see it.")),
    Column("contact", "联系人", "contact",
           hint=gettext_lazy("The name of one of that customer's contacts (optional).")),
    Column("kind", "类型", "type", required=True, aliases=("kind",), hint=gettext_lazy(
        "visit, call, meeting, email, wechat or note (拜访 / 电话 / 会议 / 邮件 / 微信 / 备注).")),
    Column("occurred_at", "时间", "occurred_at", required=True, aliases=("跟进时间",),
           hint=gettext_lazy("YYYY-MM-DD HH:MM (Beijing time), not in the future.")),
    Column("owner", "负责人", "owner", hint=gettext_lazy(
        "Login name of the rep who followed up; empty: you. You must be that person or their manager.")),
    Column("subject", "主题", "subject", required=True, hint=gettext_lazy("At most 200 characters.")),
    Column("notes", "备注", "notes", aliases=("内容",), hint=gettext_lazy("What was said or agreed (optional).")),
    Column("opportunity", "商机", "opportunity",
           hint=gettext_lazy("The exact name of one of that customer's opportunities (optional).")),
]
KIND_SYNONYMS = {"拜访": "visit", "电话": "call", "会议": "meeting", "邮件": "email", "微信": "wechat",
                 "备注": "note", "e-mail": "email"}
TIME = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


@dataclass
class ActivityRow:
    data: dict
    owner: object


def parse_time(values: dict, problems: Problems) -> datetime.datetime | None:
    """``YYYY-MM-DD HH:MM`` in the server's time zone (Asia/Shanghai); an XLSX date-time cell arrives the same
    way; a bare date is read as 00:00."""
    raw = values.get("occurred_at", "")
    if not raw:
        return None
    match = TIME.fullmatch(raw.strip())
    try:
        parts = [int(g) for g in match.groups(default="0")] if match else None
        value = timezone.make_aware(datetime.datetime(*parts)) if parts else None
    except ValueError:
        value = None
    if value is None:
        problems.add("occurred_at", _("“%(value)s” is not a time; write it as YYYY-MM-DD HH:MM, e.g. "
                                      "2026-01-31 14:30.") % {"value": raw})
    return value


def _one(queryset, name: str, problems: Problems, *, missing: str, ambiguous: str):
    """The one match of ``queryset``; none or several is the row's problem in column ``name``."""
    matches = list(queryset[:2])
    if not matches:
        problems.add(name, missing)
        return None
    if len(matches) > 1:
        problems.add(name, ambiguous)
        return None
    return matches[0]


def find_customer(raw: str, viewer, problems: Problems):
    rows = cached("activity-customer", (raw, viewer.pk), lambda key: list(
        Customer.objects.visible_to(viewer).filter(name=raw).order_by("pk")[:2]))
    return _one(rows, "customer", problems,
                missing=_("No customer you may see is named “%(value)s” (the name must match exactly).")
                % {"value": raw},
                ambiguous=_("More than one customer is named “%(value)s”; rename one of them first.")
                % {"value": raw})


def prepare_activity(values: dict, actor, key):
    problems = Problems()
    require(values, ("customer", "kind", "occurred_at", "subject"), problems)
    owner = None
    owner_raw = values.get("owner", "")
    if owner_raw:
        owner = find_user(owner_raw)
        if owner is None:
            problems.add("owner", _("No active user “%(value)s”.") % {"value": owner_raw})
        elif actor is not None and not access.oversees(actor, owner):
            problems.add("owner", _("You may not record follow-ups for %(owner)s: only for yourself or people in "
                                    "your team.") % {"owner": owner})
    elif actor is None:
        problems.add("owner", _("Name the owner (on the command line without --user each row is recorded by "
                                "its owner)."))
    else:
        owner = actor
    viewer = actor or owner
    if viewer is not None and not access.can_create_pipeline_records(viewer):
        problems.add("owner", _("Your role cannot record follow-ups."))
        viewer = None
    customer = None
    if values.get("customer") and viewer is not None:
        customer = find_customer(values["customer"], viewer, problems)
    data = {
        "kind": parse_choice(values, "kind", problems, Activity.Kind.choices, KIND_SYNONYMS),
        "occurred_at": parse_time(values, problems),
        "subject": values.get("subject", ""),
        "notes": values.get("notes", ""),
        "customer": customer,
    }
    if customer is not None and values.get("contact"):
        names = {"customer": customer, "value": values["contact"]}
        data["contact"] = _one(Contact.objects.filter(customer=customer, name=values["contact"]).order_by("pk"),
                               "contact", problems,
                               missing=_("%(customer)s has no contact named “%(value)s”.") % names,
                               ambiguous=_("%(customer)s has more than one contact named “%(value)s”.") % names)
    if customer is not None and values.get("opportunity"):
        names = {"customer": customer, "value": values["opportunity"]}
        data["opportunity"] = _one(
            Opportunity.objects.visible_to(viewer).filter(customer=customer, subject=values["opportunity"])
            .order_by("pk"), "opportunity", problems,
            missing=_("%(customer)s has no opportunity you may see named “%(value)s”.") % names,
            ambiguous=_("%(customer)s has more than one opportunity named “%(value)s”.") % names)
    if not problems and viewer is not None:
        # The service's own checks (links, time not in the future, lengths), without writing.
        candidate = Activity(owner=owner, team_id=owner.team_id, **{k: v for k, v in data.items() if v is not None})
        try:
            services.check_links(candidate, viewer)
            candidate.full_clean(exclude=["owner", "team", "visit_plan"])
        except ValidationError as exc:
            problems.add_error(exc)
    problems.raise_if_any()
    return ActivityRow({k: v for k, v in data.items() if v is not None}, owner), True


def save_activity(row: ActivityRow, values, actor):
    return services.record_activity(actor=actor or row.owner, data=row.data, owner=row.owner)


register(Importer(
    name="activities", label=gettext_lazy("Follow-ups"), columns=COLUMNS, keys={},
    prepare=prepare_activity, save=save_activity,
))
