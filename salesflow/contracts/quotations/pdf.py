"""The quotation as a PDF, in Chinese or English.

reportlab with its built-in CID font STSong-Light (Adobe's Chinese font set, no font file shipped): the PDF
carries a Unicode map, so viewers render the characters and text extraction (search, copy) reads them back."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from salesflow.core.money import format_money

FONT = "STSong-Light"
LANGUAGES = ("zh-hans", "en")
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, spaceAfter=4 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12)


def _p(text, style=BODY):
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def quotation_pdf(quotation, language: str = "zh-hans") -> bytes:
    """Render ``quotation`` (with its lines, customer and owner loaded) as PDF bytes in ``language``."""
    language = language if language in LANGUAGES else "zh-hans"
    with translation.override(language):
        return _render(quotation)


def _render(q) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{q.number} v{q.revision}",
                            author=settings.SALESFLOW_COMPANY_NAME)
    story = [
        _p(settings.SALESFLOW_COMPANY_NAME, BODY),
        _p(_("Quotation"), TITLE),
        Table([[_p(_("Number")), _p(f"{q.number}  ({_('revision')} {q.revision})")],
               [_p(_("Customer")), _p(q.customer.name)],
               [_p(_("Date")), _p(f"{q.created_at:%Y-%m-%d}")],
               [_p(_("Valid until")), _p(f"{q.valid_until:%Y-%m-%d}")],
               [_p(_("Sales contact")), _p(str(q.owner))],
               [_p(_("Currency")), _p(q.currency)]],
              colWidths=[35 * mm, 145 * mm], hAlign="LEFT"),
        Spacer(1, 6 * mm),
    ]
    header = [_("Item"), _("Quantity"), _("Unit"), _("Unit price"), _("Discount %"), _("Amount"), _("Tax rate %"),
              _("Tax")]
    rows = [[_p(h, CELL) for h in header]]
    for line in q.lines.all():
        rows.append([_p(line.description or str(line.product or ""), CELL), _p(line.quantity.normalize(), CELL),
                     _p(line.unit, CELL), _p(format_money(line.unit_price), CELL),
                     _p(line.discount_rate.normalize(), CELL), _p(format_money(line.amount), CELL),
                     _p(line.tax_rate.normalize(), CELL), _p(format_money(line.tax), CELL)])
    table = Table(rows, colWidths=[52 * mm, 16 * mm, 12 * mm, 24 * mm, 16 * mm, 24 * mm, 14 * mm, 22 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    totals = Table([[_p(_("Amount before discount")), _p(format_money(q.subtotal))],
                    [_p(_("Discount")), _p(format_money(q.discount_total))],
                    [_p(_("Tax")), _p(format_money(q.tax_total))],
                    [_p(_("Total")), _p(f"{format_money(q.total)} {q.currency}")]],
                   colWidths=[45 * mm, 45 * mm], hAlign="RIGHT")
    story += [table, Spacer(1, 4 * mm), totals, Spacer(1, 6 * mm)]
    if q.terms:
        story += [_p(_("Terms")), _p(q.terms)]
    doc.build(story)
    return buffer.getvalue()
