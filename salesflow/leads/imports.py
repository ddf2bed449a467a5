"""Lead importer (XLSX/CSV): every row checked for duplicates and bad values; new leads go through the rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, register
from salesflow.org.models import Region, User

from .models import Lead, LeadSource
from .services import find_duplicate_leads, pick_owner

LEAD_COLUMNS = [
    Column("company", "公司名称", "Company", required=True),
    Column("contact_name", "联系人", "Contact name"),
    Column("title", "职务", "Job title"),
    Column("phone", "电话", "Phone"),
    Column("email", "邮箱", "Email"),
    Column("wechat", "微信", "WeChat"),
    Column("region", "区域", "Region"),
    Column("industry", "行业", "Industry"),
    Column("source", "线索来源", "Source"),
    Column("owner", "负责人", "Owner"),
    Column("notes", "备注", "Notes"),
]


def prepare_lead(values: dict, actor, key):
    lead, created = None, True
    if key and values.get(key):
        lead = Lead.objects.filter(**{key: values[key]}, merged_into__isnull=True).first()
        created = lead is None
    if lead is None:
        duplicates = find_duplicate_leads(company=values["company"], phone=values.get("phone", ""),
                                          email=values.get("email", ""))
        if duplicates:
            raise ValidationError({"company": _("Duplicate of lead “%(lead)s” (same phone, email or company).")
                                   % {"lead": duplicates[0]}})
        lead = Lead()
    for field in ("company", "contact_name", "title", "phone", "email", "wechat", "industry", "notes"):
        if values.get(field):
            setattr(lead, field, values[field])
    if values.get("region"):
        lead.region = Region.objects.filter(name=values["region"]).first()
        if lead.region is None:
            raise ValidationError({"region": _("No region called “%(name)s”.") % {"name": values["region"]}})
    if values.get("source"):
        lead.source = LeadSource.objects.filter(name=values["source"]).first()
        if lead.source is None:
            raise ValidationError({"source": _("No lead source called “%(name)s”.") % {"name": values["source"]}})
    if values.get("owner"):
        lead.owner = User.objects.filter(username=values["owner"], is_active=True).first()
        if lead.owner is None:
            raise ValidationError({"owner": _("No user called “%(name)s”.") % {"name": values["owner"]}})
    lead.full_clean(exclude=["owner", "team"])
    return lead, created


def save_lead(lead, values, actor):
    if lead.pk is None and lead.owner_id is None:
        lead.owner = pick_owner(lead) or actor
    lead.team_id = lead.owner.team_id if lead.owner_id else None
    lead.save()


register(Importer(
    name="leads", label=gettext_lazy("Leads"), columns=LEAD_COLUMNS,
    keys={"phone": gettext_lazy("Phone"), "email": gettext_lazy("Email")},
    prepare=prepare_lead, save=save_lead,
))
