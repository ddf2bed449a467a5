"""One door to a report file: the figures, rendered as XLSX or PDF in Chinese or English."""

from django.utils import translation

from ..models.reports import CONTENT_TYPES
from .data import report_data
from .pdf import render_pdf
from .sections import title
from .xlsx import render_xlsx

FORMATS = {"xlsx": (CONTENT_TYPES["xlsx"], render_xlsx), "pdf": (CONTENT_TYPES["pdf"], render_pdf)}
LANGUAGES = ("zh-hans", "en")


def render_report(kind: str, period=None, team=None, *, user, lang: str = "zh-hans", fmt: str = "xlsx"):
    """(title, bytes, data) of the report; labels and names in ``lang``."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use xlsx or pdf")
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: use zh-hans or en")
    with translation.override(lang):
        data = report_data(kind, period, team, user=user)
        return title(data), FORMATS[fmt][1](data), data
