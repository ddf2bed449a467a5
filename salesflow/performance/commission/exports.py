"""A statement as XLSX (core.exports: safe cells, audited) and as PDF (reportlab, the CJK font the contracts PDFs
use). Both list the same lines and totals as the page."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from salesflow.contracts import pdf
from salesflow.core import audit
from salesflow.core.exports import export_response
from salesflow.core.money import format_money

from . import selectors


def headers():
    return [_("#"), _("Kind"), _("Record"), _("Date"), _("Amount"), _("Tier"), _("Rate %"), _("Commission"),
            _("Note")]


def rows(statement, lines):
    for line in lines:
        record = line.agreement.number if line.agreement_id else ""
        if line.payment_id:
            record = f"{record} #{line.payment_id}"
        yield [line.position, line.get_kind_display(), record, line.day.isoformat() if line.day else "",
               line.amount, line.tier_label, line.rate if line.rate is not None else "", line.commission,
               line.note_text]
    yield ["", _("Total"), "", "", statement.basis_amount, "", "", statement.total, ""]


def filename(statement) -> str:
    return f"commission-{statement.user.username}-{statement.period}"


def xlsx(statement) -> HttpResponse:
    lines = list(selectors.lines(statement))
    return export_response(fmt="xlsx", filename=filename(statement), headers=headers(),
                           rows=rows(statement, lines), audit_target=statement)


def summary(statement):
    quota = format_money(statement.quota) if statement.quota is not None else _("No target set")
    attainment = f"{statement.attainment}%" if statement.attainment is not None else "—"
    return [(_("Sales rep"), statement.user.get_full_name() or statement.user.username),
            (_("Period"), statement.period), (_("Commission plan"), statement.plan.name),
            (_("Basis"), statement.get_basis_display()), (_("Quota"), quota),
            (_("Basis amount"), format_money(statement.basis_amount)), (_("Attainment"), attainment),
            (_("Base pay"), format_money(statement.base_pay)), (_("Commission"), format_money(statement.commission)),
            (_("Total"), format_money(statement.total)), (_("Status"), statement.get_status_display())]


def pdf_response(statement) -> HttpResponse:
    lines = list(selectors.lines(statement))
    title = _("Commission statement %(period)s — %(user)s") % {
        "period": statement.period, "user": statement.user.get_full_name() or statement.user.username}
    table_rows = [[str(v) if not hasattr(v, "quantize") else format_money(v) for v in row[1:]]
                  for row in rows(statement, lines)]
    story = [pdf.p(title, pdf.TITLE), pdf.facts(summary(statement)), pdf.p(_("Lines"), pdf.HEADING),
             pdf.grid(headers()[1:], table_rows, [16, 28, 18, 22, 18, 12, 20, 46])]
    content = pdf.render(story, title=title)
    audit.record(statement, "export", changes={"format": "pdf", "rows": len(lines)})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(statement)}.pdf"'
    return response
