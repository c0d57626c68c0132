"""The Selbstreport as a Word document: title page, contents, the organisation's reference text (LQW: its
definition of successful learning), per area and requirement the narrative in five focal points (or the
"Umsetzung" of other catalogs) with references into the evidence index, for a catalog with offers against needs
(DKBM) whose data is loaded the Passung of the districts ranked, the index, the strategic development goals.

From qmkit's own layout, or from the organisation's template (a .docx): its styles, header and footer are used,
the placeholders ``{{einrichtung}}``, ``{{zyklus}}``, ``{{katalog}}`` and ``{{datum}}`` are filled wherever they
stand (body, tables, header, footer), and the report goes where a paragraph holds ``{{inhalt}}`` (else at the end).
A pure function of :class:`~qmkit.domain.written.SelfReport` and the template's bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from docx import Document as open_docx
from docx.document import Document

from qmkit.documents.offers_report import offers_chapter
from qmkit.documents.word import heading, new_document, para, safe, table, title_page, today_text
from qmkit.domain.written import FOCAL_POINTS, SelfReport
from qmkit.errors import InputError
from qmkit.i18n import _

MARKER = "{{inhalt}}"


def selfreport_filename(report: SelfReport) -> str:
    from qmkit.domain.network_files import file_name

    return file_name("Selbstreport", report.institution, report.cycle, suffix=".docx")


def _definition(doc: Document, report: SelfReport) -> None:
    heading(doc, report.definition_title, 1)
    found = report.definition
    if found is None:
        para(doc, _("Noch nicht geschrieben."), muted=True)
        return
    for block in found.text.split("\n\n"):
        para(doc, block)
    if found.signed:
        day = found.signed_off_on.strftime("%d.%m.%Y") if found.signed_off_on else ""
        note = _("Fassung {n}, freigegeben von {who} am {day}.").format(
            n=found.version, who=found.signed_off_by, day=day
        )
    else:
        note = _("Fassung {n} – Entwurf, noch nicht freigegeben.").format(n=found.version)
    para(doc, note, muted=True, size=9)


def _requirements(doc: Document, report: SelfReport) -> None:
    for area in report.areas:
        heading(doc, f"{area.id} {area.title}", 1)
        for req in area.requirements:
            heading(doc, f"{req.id} {req.title}", 2)
            para(doc, req.text, muted=True, size=9)
            if report.narrative:
                if req.implementation and not any(v.strip() for v in req.narrative.values()):
                    heading(doc, _("Bisherige Beschreibung (Umsetzung)"), 3)
                    para(doc, req.implementation)
                for key, label in FOCAL_POINTS:
                    heading(doc, _(label), 3)
                    text = req.narrative.get(key, "").strip()
                    para(doc, text or _("– noch offen –"), muted=not text)
            else:
                heading(doc, _("Umsetzung"), 3)
                para(doc, req.implementation or _("– noch offen –"), muted=not req.implementation)
            facts = [_("Stand: {state}").format(state=req.state)]
            if req.evidence:
                facts.append(_("Nachweise: {refs}").format(refs=", ".join(req.evidence)))
            para(doc, " · ".join(facts), size=9)


def _index(doc: Document, report: SelfReport) -> None:
    heading(doc, _("Nachweisverzeichnis"), 1)
    if not report.index:
        para(doc, _("Noch keine Nachweise verknüpft."), muted=True)
        return
    rows = [
        [e.number, e.title, e.kind, e.version, _("ja") if e.on_site_only else "", ", ".join(e.requirements)]
        for e in report.index
    ]
    columns = [_("Nr."), _("Dokument"), _("Art"), _("Version"), _("nur vor Ort"), _("Anforderungen")]
    table(doc, columns, rows, [1.2, 5.4, 2.8, 1.8, 1.6, 4.0])


def _goals(doc: Document, report: SelfReport) -> None:
    heading(doc, _("Strategische Entwicklungsziele"), 1)
    if not report.goals:
        para(doc, _("Noch keine Entwicklungsziele in der Qualitätsplanung."), muted=True)
        return
    table(
        doc, [_("Ziel"), _("Begründung"), _("Indikator → Zielwert")], [list(g) for g in report.goals], [5.0, 7.0, 4.8]
    )


def _contents(doc: Document, report: SelfReport) -> None:
    heading(doc, _("Inhalt"), 1)
    entries = [report.definition_title] if report.definition_title else []
    entries += [f"{a.id} {a.title}" for a in report.areas]
    entries += [_("Angebote und Bedarfe")] if report.offers else []
    entries += [_("Nachweisverzeichnis"), _("Strategische Entwicklungsziele")]
    for entry in entries:
        doc.add_paragraph(style="List Number").add_run(safe(entry))


def _body(doc: Document, report: SelfReport) -> None:
    _contents(doc, report)
    if report.definition_title:
        _definition(doc, report)
    _requirements(doc, report)
    if report.offers:
        offers_chapter(doc, report.offers)
    _index(doc, report)
    _goals(doc, report)


def selfreport_document(report: SelfReport, template: bytes | None = None) -> Document:
    """The Selbstreport; with ``template`` (a .docx) in the organisation's own layout."""
    if template is None:
        doc = new_document(_("Selbstreport"), report.institution)
        lines = [
            (_("Einrichtung"), report.institution),
            (_("Qualitätsmodell"), report.catalog),
            (_("Zyklus"), report.cycle),
            (_("Erstellt am"), today_text()),
        ]
        title_page(doc, _("Selbstreport"), report.institution, lines)
        _body(doc, report)
        return doc
    doc = _open_template(template)
    values = {
        "{{einrichtung}}": report.institution,
        "{{zyklus}}": report.cycle,
        "{{katalog}}": report.catalog,
        "{{datum}}": today_text(),
    }
    marker = _fill(doc, values)
    start = len(doc.element.body)
    _body(doc, report)
    if marker is not None:
        body = doc.element.body
        added = list(body)[start - 1 : -1] if body[-1].tag.endswith("sectPr") else list(body)[start:]
        for element in added:
            marker.addprevious(element)
        marker.getparent().remove(marker)
    return doc


def _open_template(template: bytes) -> Document:
    try:
        return open_docx(io.BytesIO(template))
    except Exception as exc:  # python-docx raises several kinds for a file that is no .docx
        raise InputError(_("Die Vorlage ist keine lesbare Word-Datei (.docx)."), "template") from exc


def _paragraphs(doc: Document) -> Iterator[Any]:
    yield from doc.paragraphs
    for grid in doc.tables:
        for row in grid.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            yield from part.paragraphs


def _fill(doc: Document, values: dict[str, str]) -> Any:
    """Replace the placeholders (also when Word split them across runs); return the marker paragraph's element."""
    marker = None
    for paragraph in _paragraphs(doc):
        text = paragraph.text
        if MARKER in text and marker is None:
            marker = paragraph._p
            continue
        if not any(key in text for key in values):
            continue
        for key, value in values.items():
            text = text.replace(key, safe(value))
        for run in paragraph.runs[1:]:
            run._r.getparent().remove(run._r)
        if paragraph.runs:
            paragraph.runs[0].text = text
        else:
            paragraph.add_run(text)
    return marker
