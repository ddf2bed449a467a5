"""Statement line notes are stored as message + parameters and read in the reader's language: a statement computed
by a Chinese user reads in English for an English reader (page, API, export) and the other way round."""

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from salesflow.core.periods import parse_period
from salesflow.performance.commission import services
from salesflow.performance.commission.calculation import Note
from salesflow.performance.models import StatementLine
from salesflow.testing.api_client import ApiClient

from .commission_helpers import approve_target, make_plan, signed

pytestmark = pytest.mark.django_db
Q4 = parse_period("2026-Q4")


def computed_in(language, org):
    make_plan(cap="0.1")
    approve_target(org.rep_a, "2026-Q4", 10000)
    agreement = signed(org.rep_a, "30000", datetime.date(2026, 10, 15))
    with translation.override(language):
        statement = services.compute_statement(user=org.rep_a, period=Q4)
    return statement, agreement


def notes(statement, language):
    with translation.override(language):
        return [line.note_text for line in StatementLine.objects.filter(statement=statement).order_by("position")]


def test_notes_written_in_chinese_read_in_english_and_back(org):
    statement, agreement = computed_in("zh-hans", org)
    english, chinese = notes(statement, "en"), notes(statement, "zh-hans")
    assert english[0] == "Base pay (70% of on-target earnings)" and "70%" in chinese[0] and "Base" not in chinese[0]
    assert f"Agreement {agreement.number}" in english and f"合同 {agreement.number}" in chinese
    assert english[-1].startswith("Cap: commission is at most 0.1 ×") and chinese[-1] != english[-1]
    stored = StatementLine.objects.filter(statement=statement).order_by("position").last()
    assert stored.note_data["m"].startswith("Cap:") and "提成" in stored.note  # the text as computed, kept too


def test_notes_written_in_english_read_in_chinese(org):
    statement, agreement = computed_in("en", org)
    assert f"合同 {agreement.number}" in notes(statement, "zh-hans")


def test_the_api_and_the_export_give_the_readers_language(org, client_for):
    statement, agreement = computed_in("zh-hans", org)
    client = ApiClient(org.rep_a)
    api = client.client.get(f"/api/v1/performance/commission/statements/{statement.pk}", HTTP_ACCEPT_LANGUAGE="en",
                            **client.auth)
    assert api.status_code == 200, api.content
    assert f"Agreement {agreement.number}" in [line["note"] for line in api.json()["lines"]]
    c = client_for(org.rep_a)
    c.cookies["django_language"] = "en"
    export = c.get(f"/performance/commission/{statement.pk}/export.xlsx")
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert f"Agreement {agreement.number}" in cells


def test_a_nested_note_keeps_its_parts_translatable():
    note = Note.of("Clawback: agreement %(number)s was terminated%(when)s; paid on in statement %(period)s",
                   number="HT-1", when=Note.of(" on %(day)s", day="2026-10-01"), period="2026-Q3")
    again = Note.from_data(note.data())
    with translation.override("en"):
        assert str(again) == "Clawback: agreement HT-1 was terminated on 2026-10-01; paid on in statement 2026-Q3"
    with translation.override("zh-hans"):
        assert "HT-1" in str(again) and "Clawback" not in str(again)
