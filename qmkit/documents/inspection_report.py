"""The inspection report (Begehungsbericht) and the empty inspection sheet to take along, as Word documents.

Both are pure functions of an :class:`~qmkit.domain.inspection.InspectionFile`. The report: title page (host,
network, round, day, peer team), the follow-up of the last inspection's agreements, the agenda, the documents
looked at, per focus topic and question what the peers saw with strengths and suggestions, the agreements (with
their measure in the host's plan) and the host's statement. The sheet: the same frame with empty, tall boxes for
handwriting.
"""

from __future__ import annotations

from datetime import date

from docx.document import Document
from docx.shared import Cm

from qmkit.documents.word import heading, new_document, para, shade, table, title_page, today_text
from qmkit.domain.inspection import FINDING_FIELDS, FINDING_LABELS, STATUS_LABELS, InspectionFile
from qmkit.i18n import _


def _no_case_data() -> str:
    return _(
        "Bitte keine Namen oder Fallgeschichten von Kindern, Jugendlichen und Familien notieren: beschrieben wird, "
        "was an Strukturen und Abläufen zu sehen war."
    )


def inspection_filename(found: InspectionFile, kind: str = "Begehungsbericht", suffix: str = ".docx") -> str:
    from qmkit.domain.network_files import file_name

    return file_name(kind, found.host, found.inspection.day.isoformat(), suffix=suffix)


def _day(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def _title(doc: Document, found: InspectionFile, title: str) -> None:
    ins = found.inspection
    lines = [
        (_("Gastgebende Einrichtung"), found.host),
        (_("Netzwerk"), found.network),
        (_("Runde"), found.round),
        (_("Datum"), _day(ins.day)),
        (_("Ort"), ins.place or "–"),
        (_("Begehungsteam (Einrichtungen)"), ", ".join(found.peers) or "–"),
        (_("Begehungsteam (Personen)"), ", ".join(ins.peer_names) or "–"),
        (_("Schwerpunktthemen"), ", ".join(t.title for t in found.topics) or "–"),
        (_("Stand"), _(STATUS_LABELS[ins.status])),
        (_("Erstellt am"), today_text()),
    ]
    title_page(doc, title, found.host, lines, _no_case_data())


def _documents(doc: Document, found: InspectionFile) -> None:
    heading(doc, _("Dokumente vor Ort"), 1)
    if not found.documents:
        para(doc, _("Keine Dokumente ausgewählt."), muted=True)
        return
    rows = [[d.title, d.kind, d.version, _("ja") if d.on_site_only else "", d.location] for d in found.documents]
    columns = [_("Dokument"), _("Art"), _("Version"), _("nur vor Ort"), _("Fundstelle")]
    table(doc, columns, rows, [5.2, 3.0, 2.0, 1.8, 4.8])


def _follow_up(doc: Document, found: InspectionFile) -> None:
    if not found.follow_up:
        return
    heading(doc, _("Nachschau: Vereinbarungen der letzten Begehung"), 1)
    rows = [[f.text, f.responsible, _day(f.due), f.measure or "–", f.status] for f in found.follow_up]
    columns = [_("Vereinbarung"), _("Verantwortlich"), _("bis"), _("Maßnahme"), _("Stand")]
    para(doc, _("Begehung vom {day}").format(day=_day(found.follow_up[0].day)), muted=True)
    table(doc, columns, rows, [6.0, 3.0, 2.0, 3.4, 2.4])


def _findings(doc: Document, found: InspectionFile, empty: bool) -> None:
    for topic in found.topics:
        heading(doc, topic.title, 1)
        for number, question in enumerate(topic.questions):
            heading(doc, f"{number + 1}. {question}", 2)
            finding = found.finding(topic.id, number)
            rows = [[_(FINDING_LABELS[f]), "" if empty else getattr(finding, f) or "–"] for f in FINDING_FIELDS]
            grid = table(doc, [], rows, [4.0, 12.8], head=False)
            for row in grid.rows:
                shade(row.cells[0], "F2F2F2")
                if empty:
                    row.height = Cm(3.2)


def _agreements(doc: Document, found: InspectionFile, empty: bool) -> None:
    heading(doc, _("Vereinbarungen"), 1)
    columns = [_("Vereinbarung"), _("Verantwortlich"), _("bis"), _("im Plan")]
    if empty:
        grid = table(doc, columns, [["", "", "", ""] for _i in range(5)], [7.6, 3.4, 2.2, 3.6])
        for row in grid.rows[1:]:
            row.height = Cm(1.6)
        return
    if not found.agreements:
        para(doc, _("Keine Vereinbarungen."), muted=True)
        return
    rows = [[a.text, a.responsible, _day(a.due), status or _("noch nicht")] for a, status in found.agreements]
    table(doc, columns, rows, [7.6, 3.4, 2.2, 3.6])


def inspection_report_document(found: InspectionFile) -> Document:
    """The Begehungsbericht as it stands (findings, agreements, the host's statement)."""
    doc = new_document(_("Begehungsbericht"), found.host)
    _title(doc, found, _("Bericht der kollegialen Begehung"))
    _follow_up(doc, found)
    if found.inspection.agenda:
        heading(doc, _("Ablauf"), 1)
        para(doc, found.inspection.agenda)
    _documents(doc, found)
    _findings(doc, found, empty=False)
    _agreements(doc, found, empty=False)
    heading(doc, _("Stellungnahme der gastgebenden Einrichtung"), 1)
    para(doc, found.inspection.statement or _("(noch keine Stellungnahme)"), muted=not found.inspection.statement)
    return doc


def inspection_sheet_document(found: InspectionFile) -> Document:
    """The empty sheet to take along: the questions with room to write, the documents, the agreements."""
    doc = new_document(_("Begehungsbogen"), found.host)
    _title(doc, found, _("Begehungsbogen (zum Mitnehmen)"))
    _follow_up(doc, found)
    _documents(doc, found)
    _findings(doc, found, empty=True)
    _agreements(doc, found, empty=True)
    return doc
