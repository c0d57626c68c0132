"""The organisation's written answer to the assessors' feedback report (Stellungnahme zum Rückmeldebericht) as a
Word document: the report's head, the counts, and per finding that asks for something the assessors' remark, the
measure with responsible person and date, and where it stands. A pure function of the rows."""

from __future__ import annotations

from docx.document import Document

from qmkit.documents.word import heading, new_document, para, table, title_page, today_text
from qmkit.domain.feedback import AnswerRow, ReportHead
from qmkit.domain.model import day_text
from qmkit.i18n import _


def answer_filename(institution: str, cycle: str) -> str:
    from qmkit.domain.network_files import file_name

    return file_name("Stellungnahme", institution, cycle, suffix=".docx")


def feedback_answer_document(
    rows: list[AnswerRow], head: ReportHead, institution: str, cycle: str, catalog: str, counts: str
) -> Document:
    doc = new_document(_("Stellungnahme zum Rückmeldebericht"), institution)
    lines = [
        (_("Einrichtung"), institution),
        (_("Qualitätsmodell"), catalog),
        (_("Zyklus"), cycle),
        (_("Rückmeldebericht erhalten am"), day_text(head.received_on) or "–"),
        (_("Gutachter*innen"), head.assessors or "–"),
        (_("Ergebnisse"), counts or "–"),
        (_("Erstellt am"), today_text()),
    ]
    title_page(doc, _("Stellungnahme zum Rückmeldebericht"), institution, lines)
    heading(doc, _("Unsere Maßnahmen zu Auflagen und Empfehlungen"), 1)
    if not rows:
        para(doc, _("Der Bericht enthält keine Auflagen, Empfehlungen oder nicht erfüllten Anforderungen."))
        return doc
    for row in rows:
        heading(doc, f"{row.requirement_id} {row.title}", 2)
        facts = [
            (_("Ergebnis"), row.kind + (f" ({_('zu erfüllen bis')} {day_text(row.due)})" if row.due else "")),
            (_("Anmerkung der Gutachter*innen"), row.text or "–"),
            (_("Maßnahme"), row.measure or "–"),
            (_("Verantwortlich"), row.responsible or "–"),
            (_("Termin"), day_text(row.measure_due) or "–"),
            (_("Stand"), row.state),
        ]
        table(doc, [], facts, [5.0, 11.8], head=False)
    return doc
