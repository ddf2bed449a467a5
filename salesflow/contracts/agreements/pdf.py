"""A contract or an order as a PDF to print, sign and seal, in Chinese or English: the parties, the lines, the
amount, the payment plan and the terms, with a signature block for each party. A document that is not yet in force
(draft, pending approval) says so in its title, so a draft is never mistaken for the signed contract."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from salesflow.contracts.models import Agreement
from salesflow.contracts.pdf import BODY, HEADING, TITLE, facts, grid, language_of, p, render
from salesflow.core.money import format_money

NOT_IN_FORCE = (Agreement.Status.DRAFT, Agreement.Status.PENDING)


def agreement_pdf(agreement: Agreement, language: str = "zh-hans") -> bytes:
    """Render ``agreement`` (customer and owner loaded) with its lines and instalments as PDF bytes."""
    with translation.override(language_of(language)):
        return _render(agreement)


def _render(a: Agreement) -> bytes:
    title = a.get_kind_display()
    if a.status in NOT_IN_FORCE:
        title = _("%(kind)s (%(status)s)") % {"kind": title, "status": a.get_status_display()}
    term = f"{_date(a.start_on)} – {_date(a.end_on)}" if a.start_on or a.end_on else "—"
    story = [
        p(settings.SALESFLOW_COMPANY_NAME, BODY),
        p(title, TITLE),
        facts([(_("Number"), a.number), (_("Title"), a.title or "—"), (_("Customer"), a.customer.name),
               (_("Supplier"), settings.SALESFLOW_COMPANY_NAME), (_("Signed on"), f"{a.signed_on:%Y-%m-%d}"),
               (_("Term"), term), (_("Sales contact"), str(a.owner)),
               (_("Amount"), f"{format_money(a.amount)} {a.currency}")]),
    ]
    lines = list(a.lines.select_related("product"))
    if lines:
        header = [_("Item"), _("Quantity"), _("Unit"), _("Unit price"), _("Discount %"), _("Tax rate %"),
                  _("Amount")]
        rows = [[str(line), line.quantity.normalize(), line.unit, format_money(line.unit_price),
                 line.discount_rate.normalize(), line.tax_rate.normalize(), format_money(line.amount)]
                for line in lines]
        story += [p(_("Lines"), HEADING), grid(header, rows, [60, 18, 14, 26, 18, 18, 26])]
    instalments = list(a.instalments.order_by("due_on", "sequence"))
    if instalments:
        rows = [[i.sequence, f"{i.due_on:%Y-%m-%d}", format_money(i.amount), i.note] for i in instalments]
        story += [p(_("Payment plan"), HEADING),
                  grid([_("Instalment"), _("Due on"), _("Amount"), _("Note")], rows, [20, 35, 40, 85])]
    due = ngettext("%(n)s day after signing", "%(n)s days after signing", a.payment_terms_days) % {
        "n": a.payment_terms_days}
    terms = [(_("Payment due"), due), (_("Payment terms"), a.payment_terms),
             (_("Delivery"), " · ".join(filter(None, [a.delivery_place, a.delivery_method]))),
             (_("Liability for breach"), a.breach_liability), (_("Notes"), a.notes)]
    story += [p(_("Terms"), HEADING), facts([(label, value or "—") for label, value in terms]), Spacer(1, 12 * mm)]
    signatures = [[p(_("Customer (signature and seal)")), p(_("Supplier (signature and seal)"))],
                  [p(a.customer.name), p(settings.SALESFLOW_COMPANY_NAME)],
                  [p(_("Date:")), p(_("Date:"))]]
    story.append(Table(signatures, colWidths=[90 * mm, 90 * mm], rowHeights=[10 * mm, 16 * mm, 10 * mm],
                       hAlign="LEFT"))
    return render(story, title=a.number)


def _date(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"
