"""The quotation as a PDF, in Chinese or English (the shared pieces are in ``contracts.pdf``)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from salesflow.contracts.pdf import BODY, TITLE, facts, grid, language_of, p, render
from salesflow.core.money import format_money


def quotation_pdf(quotation, language: str = "zh-hans") -> bytes:
    """Render ``quotation`` (with its lines, customer and owner loaded) as PDF bytes in ``language``."""
    with translation.override(language_of(language)):
        return _render(quotation)


def _render(q) -> bytes:
    story = [
        p(settings.SALESFLOW_COMPANY_NAME, BODY),
        p(_("Quotation"), TITLE),
        facts([(_("Number"), f"{q.number}  ({_('revision')} {q.revision})"), (_("Customer"), q.customer.name),
               (_("Date"), f"{q.created_at:%Y-%m-%d}"), (_("Valid until"), f"{q.valid_until:%Y-%m-%d}"),
               (_("Sales contact"), str(q.owner)), (_("Currency"), q.currency)]),
        Spacer(1, 6 * mm),
    ]
    header = [_("Item"), _("Quantity"), _("Unit"), _("Unit price"), _("Discount %"), _("Amount"), _("Tax rate %"),
              _("Tax")]
    rows = [[line.description or str(line.product or ""), line.quantity.normalize(), line.unit,
             format_money(line.unit_price), line.discount_rate.normalize(), format_money(line.amount),
             line.tax_rate.normalize(), format_money(line.tax)] for line in q.lines.all()]
    totals = Table([[p(_("Amount before discount")), p(format_money(q.subtotal))],
                    [p(_("Discount")), p(format_money(q.discount_total))],
                    [p(_("Tax")), p(format_money(q.tax_total))],
                    [p(_("Total")), p(f"{format_money(q.total)} {q.currency}")]],
                   colWidths=[45 * mm, 45 * mm], hAlign="RIGHT")
    story += [grid(header, rows, [52, 16, 12, 24, 16, 24, 14, 22]), Spacer(1, 4 * mm), totals, Spacer(1, 6 * mm)]
    if q.terms:
        story += [p(_("Terms")), p(q.terms)]
    return render(story, title=f"{q.number} v{q.revision}")
