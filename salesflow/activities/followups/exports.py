"""The follow-up list's CSV/XLSX export (through ``core.exports``: formula-injection safe). Visible rows only: the
view passes the filtered ``visible_to`` queryset."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def EXPORT_HEADERS() -> list[str]:  # noqa: N802  (a constant, translated when called)
    return [_("Time"), _("Type"), pgettext("follow-up", "Subject"), _("Customer"), _("Contact"), _("Opportunity"),
            _("Lead"), _("Owner"), _("Notes"), _("Outcome"), _("Next step"), _("Next contact on")]


def export_rows(activities):
    rows = activities.select_related("owner", "customer", "contact", "opportunity", "lead")
    for a in rows.iterator(chunk_size=2000):
        yield [
            timezone.localtime(a.occurred_at).strftime("%Y-%m-%d %H:%M"), a.get_kind_display(), a.subject,
            a.customer.name if a.customer_id else "", a.contact.name if a.contact_id else "",
            a.opportunity.subject if a.opportunity_id else "", a.lead.company if a.lead_id else "",
            str(a.owner), a.notes, a.outcome, a.next_step,
            a.next_contact_on.isoformat() if a.next_contact_on else "",
        ]
