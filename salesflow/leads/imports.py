"""Lead importer (XLSX/CSV) and the lead export it reads back.

New leads go through ``create_lead`` (assignment rules, notification of the owner); an owner change of an existing
lead through ``assign_lead``. Every row is checked against the actor's rights on the lead it matches, and an owner
column obeys the rules of the assign route.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, cached, register
from salesflow.customers.imports import Problems, find_region, find_user, owner_name
from salesflow.org import access
from salesflow.org.models import User

from . import services
from .models import Lead, LeadSource

LEAD_COLUMNS = [
    Column("id", "编号", "ID", in_template=False),
    Column("company", "公司名称", "Company", required=True),
    Column("contact_name", "联系人", "Contact name"),
    Column("title", "职务", "Job title"),
    Column("phone", "电话", "Phone"),
    Column("email", "邮箱", "Email"),
    Column("wechat", "微信", "WeChat"),
    Column("region", "区域", "Region"),
    Column("industry", "行业", "Industry"),
    Column("source", "线索来源", "Source"),
    Column("status", "状态", "Status", in_template=False),  # exported; ignored on import (status has its own rules)
    Column("owner", "负责人", "Owner"),
    Column("notes", "备注", "Notes"),
    Column("created_at", "创建时间", "Created", in_template=False),  # exported; ignored on import
]
TEXT_FIELDS = ("company", "contact_name", "title", "phone", "email", "wechat", "industry", "notes")


def refused_owner(actor, owner: User) -> str | None:
    """Why ``actor`` may not give a lead to ``owner`` (the rule of ``assign_lead``), or None."""
    if actor is None or owner == actor:
        return None
    if not actor.is_manager_or_above:
        return _("Only managers can assign leads.")
    if not access.users_in_scope(actor).filter(pk=owner.pk).exists():
        return _("You can only assign leads to people in your own team or its sub-teams.")
    return None


@dataclass
class LeadRow:
    lead: Lead  # the matched lead (fields applied) or a new, unsaved one
    fields: dict
    owner: User | None
    created: bool


def _match(values, key, problems):
    raw = values[key]
    if key == "id":
        lead = Lead.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if lead is None:
            problems.add("id", _("No lead has the ID %(id)s.") % {"id": raw})
        return lead
    return Lead.objects.filter(**{key: raw}, merged_into__isnull=True).select_related("owner").first()


def prepare_lead(values: dict, actor, key):
    problems = Problems()
    lead = _match(values, key, problems) if key and values.get(key) else None
    if lead is not None and actor is not None and not access.can_change(actor, lead):
        raise ValidationError(_("This row matches a lead you may not change; ask its owner %(owner)s.")
                              % {"owner": owner_name(lead.owner)})
    created = lead is None
    if created:
        duplicates = services.find_duplicate_leads(company=values.get("company", ""), phone=values.get("phone", ""),
                                                   email=values.get("email", ""))
        if duplicates:
            problems.add("company", _("A lead like this already exists (same phone, email or company; owner: "
                                      "%(owner)s).") % {"owner": owner_name(duplicates[0].owner)})
    fields = {name: values[name] for name in TEXT_FIELDS if values.get(name)}
    if values.get("region"):
        fields["region"] = find_region(values["region"])
        if fields["region"] is None:
            problems.add("region", _("No region called “%(name)s”.") % {"name": values["region"]})
            del fields["region"]
    if values.get("source"):
        fields["source"] = cached("source", values["source"], lambda n: LeadSource.objects.filter(name=n).first())
        if fields["source"] is None:
            problems.add("source", _("No lead source called “%(name)s”.") % {"name": values["source"]})
            del fields["source"]
    owner = None
    if values.get("owner"):
        owner = find_user(values["owner"])
        if owner is None:
            problems.add("owner", _("No active user called “%(name)s”.") % {"name": values["owner"]})
        elif created or owner != lead.owner:
            reason = refused_owner(actor, owner)
            if reason:
                problems.add("owner", reason)
    candidate = Lead(**fields) if created else lead
    if not created:
        for name, value in fields.items():
            setattr(candidate, name, value)
    try:
        candidate.full_clean(exclude=["owner", "team"])
    except ValidationError as exc:
        problems.add_error(exc)
    problems.raise_if_any()
    return LeadRow(candidate, fields, owner, created), created


def save_lead(row: LeadRow, values, actor):
    if row.created:
        owner = row.owner or services.pick_owner(row.lead) or actor
        return services.create_lead(actor=actor, owner=owner, auto_assign=False, **row.fields)
    lead = row.lead
    lead.save()
    if row.owner is not None and row.owner != lead.owner:
        if actor is None:  # the command line acts as the system
            lead.owner, lead.team_id = row.owner, row.owner.team_id
            lead.save()
        else:
            services.assign_lead(actor=actor, lead=lead, owner=row.owner)
    return lead


def export_leads(leads):
    """Headers and rows of a lead export that the importer reads back (labels, display names, local time)."""
    headers = [c.zh for c in LEAD_COLUMNS]

    def rows():
        for lead in leads.select_related("owner", "region", "source").iterator(chunk_size=2000):
            yield [lead.pk, lead.company, lead.contact_name, lead.title, lead.phone, lead.email, lead.wechat,
                   lead.region.name if lead.region_id else "", lead.industry,
                   lead.source.name if lead.source_id else "", str(lead.get_status_display()),
                   (lead.owner.display_name or lead.owner.username) if lead.owner_id else "", lead.notes,
                   timezone.localtime(lead.created_at).strftime("%Y-%m-%d %H:%M")]
    return headers, rows()


register(Importer(
    name="leads", label=gettext_lazy("Leads"), columns=LEAD_COLUMNS,
    keys={"id": gettext_lazy("ID (from an export)"), "phone": gettext_lazy("Phone"), "email": gettext_lazy("Email")},
    prepare=prepare_lead, save=save_lead, unique_in_file=("phone", "email"),
))
