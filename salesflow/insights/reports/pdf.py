"""The report as a PDF: reportlab with the CID font STSong-Light (as the contracts' PDFs), a table per section and
its chart drawn with reportlab.graphics (bar, line, pie), so the charts are vector images inside the page."""

import datetime
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm

from salesflow.contracts.pdf import CELL, FONT, HEADING, TITLE, grid, p, render
from salesflow.core.money import format_money

from .sections import Section, no_data, sections, title

PALETTE = [colors.HexColor(c) for c in ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b")]
WIDTH = 180  # mm of text width on A4 with 15 mm margins
MAX_BARS = 15


def text(value, money: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if money and isinstance(value, Decimal | int):
        return format_money(value)
    return str(value)


def _number(value) -> float:
    """For drawing only: a chart's bar height (the tables carry the exact figures)."""
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def chart(section: Section) -> Drawing | None:
    rows = [r for r in section.rows if not (section.key == "activity" and r[1] == "")][:MAX_BARS]
    if not section.chart or not rows:
        return None
    names = [str(r[0])[:10] for r in rows]
    drawing = Drawing(WIDTH * mm, 60 * mm)
    if section.chart == "pie":
        values = [_number(r[section.series[0]]) for r in rows]
        if not any(values):
            return None
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 10, 10, 140, 140
        pie.data = values
        pie.simpleLabels = 0
        for i in range(len(values)):
            pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
        legend = Legend()
        legend.x, legend.y, legend.fontName, legend.fontSize = 190, 140, FONT, 8
        column = section.series[0]
        money = column in section.money
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], f"{names[i]} {text(rows[i][column], money)}")
                                 for i in range(len(values))]
        drawing.add(pie)
        drawing.add(legend)
        return drawing
    plot = HorizontalLineChart() if section.chart == "line" else VerticalBarChart()
    plot.x, plot.y, plot.width, plot.height = 40, 30, WIDTH * mm - 60, 60 * mm - 45
    plot.data = [[_number(r[column]) for r in rows] for column in section.series]
    plot.categoryAxis.categoryNames = names
    plot.categoryAxis.labels.fontName = FONT
    plot.categoryAxis.labels.fontSize = 7
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    for i in range(len(section.series)):
        if section.chart == "line":
            plot.lines[i].strokeColor = PALETTE[i]
        else:
            plot.bars[i].fillColor = PALETTE[i]
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 40, 60 * mm - 5, FONT, 7
    legend.alignment, legend.columnMaximum = "right", 1
    legend.colorNamePairs = [(PALETTE[i], section.header[c]) for i, c in enumerate(section.series)]
    drawing.add(legend)
    return drawing


def render_pdf(data: dict) -> bytes:
    """The PDF's bytes, labels in the active language."""
    heading = title(data)
    story = [p(heading, TITLE)]
    for section in sections(data):
        story.append(p(section.title, HEADING))
        if section.empty:
            story.append(p(no_data(), CELL))
            continue
        width = WIDTH / len(section.header)
        cells = [[text(v, i in section.money) for i, v in enumerate(row)] for row in section.rows]
        story.append(grid(section.header, cells, [width] * len(section.header)))
        if section.note:
            story.append(p(section.note, CELL))
        drawing = chart(section)
        if drawing is not None:
            story.append(drawing)
    return render(story, title=heading)
