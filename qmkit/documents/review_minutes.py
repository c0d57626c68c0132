"""The minutes of a management review (Managementbewertung) as a Word document: when, who, what went in, what was
decided, when the next one is due – for the board's file and the certifier. A pure function of the record."""

from __future__ import annotations

from docx.document import Document

from qmkit.documents.word import heading, new_document, para, table, today_text
from qmkit.domain.model import day_text
from qmkit.domain.review import ManagementReview
from qmkit.i18n import _


def minutes_filename(institution: str, review: ManagementReview) -> str:
    from qmkit.domain.network_files import file_name

    day = review.held_on.isoformat() if review.held_on else "ohne-Datum"
    return file_name("Managementbewertung", institution, day, suffix=".docx")


def _blocks(doc: Document, text: str, empty: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        para(doc, empty, muted=True)
    for line in lines:
        para(doc, line)


def review_minutes_document(review: ManagementReview, institution: str, cycle: str, catalog: str) -> Document:
    doc = new_document(_("Managementbewertung"), institution)
    held = day_text(review.held_on) or _("ohne Datum")
    heading(doc, _("Protokoll der Managementbewertung vom {day}").format(day=held), 1)
    facts = [
        (_("Einrichtung"), institution),
        (_("Zyklus"), f"{cycle} ({catalog})"),
        (_("Datum"), held),
        (_("Teilnehmende"), review.participants or "–"),
        (_("Nächste Managementbewertung"), day_text(review.next_review) or "–"),
        (_("Erstellt am"), today_text()),
    ]
    table(doc, [], facts, [5.5, 11.3], head=False)
    heading(doc, _("Eingaben"), 2)
    _blocks(doc, review.inputs, _("Keine Eingaben festgehalten."))
    heading(doc, _("Entscheidungen"), 2)
    _blocks(doc, review.decisions, _("Keine Entscheidungen festgehalten."))
    para(doc, _("Zuletzt geändert von {who}").format(who=review.changed_by or "–"), muted=True, size=9)
    return doc
