"""What the contracts PDFs (quotations, contracts and orders) share: the font, the styles, the page and the tables.

reportlab with its built-in CID font STSong-Light (Adobe's Chinese font set, no font file shipped): the PDF
carries a Unicode map, so viewers render the characters and text extraction (search, copy) reads them back."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
LANGUAGES = ("zh-hans", "en")
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, spaceAfter=4 * mm)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=4 * mm, spaceAfter=2 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12)
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                   ("VALIGN", (0, 0), (-1, -1), "TOP")])


def language_of(requested: str) -> str:
    return requested if requested in LANGUAGES else "zh-hans"


def p(text, style=BODY) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def facts(rows) -> Table:
    """A two-column label / value table (the document's head)."""
    return Table([[p(label), p(value)] for label, value in rows], colWidths=[35 * mm, 145 * mm], hAlign="LEFT")


def grid(header, rows, widths) -> Table:
    """A ruled table with a header row repeated on every page."""
    table = Table([[p(h, CELL) for h in header], *[[p(v, CELL) for v in row] for row in rows]],
                  colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


def render(story, *, title: str) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm, title=title, author=settings.SALESFLOW_COMPANY_NAME).build(story)
    return buffer.getvalue()
