"""The report as a workbook: a summary sheet, then one sheet per section with its table and a real openpyxl chart
where it helps (bar: results vs target, funnel, forecast, activity, collections; line: conversion; pie: loss
reasons, ageing). Every cell goes through ``core.exports.safe_cell`` (no formula injection)."""

import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Font

from salesflow.core.exports import safe_cell

from .sections import Section, no_data, sections, title

SHEET_TITLE_MAX = 31
INVALID = str.maketrans({c: " " for c in "[]:*?/\\"})


def _cell(value):
    if isinstance(value, datetime.datetime):
        return safe_cell(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, datetime.date):
        return safe_cell(value.isoformat())
    if isinstance(value, Decimal):
        return value
    return safe_cell(value)


def _chart(section: Section, sheet, first_row: int, last_row: int):
    if section.chart == "pie":
        chart = PieChart()
    elif section.chart == "line":
        chart = LineChart()
    else:
        chart = BarChart()
    chart.title = section.title
    for column in section.series:
        data = Reference(sheet, min_col=column + 1, min_row=first_row - 1, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first_row, max_row=last_row))
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, f"{chr(ord('A') + len(section.header) + 1)}2")


def render_xlsx(data: dict) -> bytes:
    """The workbook's bytes, labels in the active language."""
    book = Workbook()
    summary = book.active
    summary.title = safe_sheet_title(_("Summary"))
    summary.append([_cell(title(data))])
    summary["A1"].font = Font(bold=True, size=14)
    for n, section in enumerate(sections(data), start=1):
        sheet = book.create_sheet(safe_sheet_title(f"{n}. {section.title}"))
        sheet.append([_cell(section.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_cell(h) for h in section.header])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        if section.empty:
            sheet.append([_cell(no_data())])
        for row in section.rows:
            sheet.append([_cell(v) for v in row])
        if section.note:
            sheet.append([])
            sheet.append([_cell(section.note)])
        last = 2 + len(section.rows)
        if section.chart and not section.empty:
            charted = last - 1 if section.key == "activity" else last  # not the totals row
            _chart(section, sheet, 3, charted)
        sheet.column_dimensions["A"].width = 28
        summary.append([_cell(section.title), _cell(no_data() if section.empty else len(section.rows))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def safe_sheet_title(text: str) -> str:
    return str(text).translate(INVALID)[:SHEET_TITLE_MAX].strip() or "Sheet"
