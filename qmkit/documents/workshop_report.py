"""The workshop report as a Word document: who, when, how anonymous; per requirement the answers, the distribution
(only from the threshold on), the median, whether the group disagreed, the consensus with its reason and dissent;
the comments of requirements at the threshold. Same content and anonymity as the Excel report."""

from __future__ import annotations

from datetime import date

from docx.document import Document

from qmkit.documents.word import heading, new_document, para, safe, table, title_page
from qmkit.domain.model import day_text
from qmkit.domain.selfeval import ChecklistData
from qmkit.domain.workshop import WorkshopResult
from qmkit.i18n import _

HIDDEN = "–"


def workshop_docx_filename(result: WorkshopResult) -> str:
    from qmkit.domain.network_files import file_name

    return file_name("Workshop", result.workshop.title, result.workshop.held_on.isoformat(), suffix=".docx")


def _cover(doc: Document, data: ChecklistData, result: WorkshopResult, today: date) -> None:
    workshop = result.workshop
    anonymity = (
        (_("Namen werden gezeigt (so eingestellt).") if workshop.named else _("anonym: keine Namen gespeichert."))
        + " "
        + _("Verteilungen und Kommentare erst ab {t} Bewertungen je Anforderung.").format(t=workshop.threshold)
    )
    lines = [
        (_("Einrichtung"), data.institution.name),
        (_("Qualitätsmodell"), data.catalog.name),
        (_("Zyklus"), data.cycle.name),
        (_("Workshop am"), day_text(workshop.held_on)),
        (_("Teilnehmende"), result.participants),
        (
            _("Konsens erzielt"),
            _("{n} von {total}").format(n=len(result.consensus), total=len(workshop.requirement_ids)),
        ),
        (_("Anonymität"), anonymity),
        (_("Methode"), _("Erst Einzelbewertung, dann Konsens in der Gruppe (CAF).")),
        (_("Stand"), day_text(today)),
    ]
    note = _("Enthält Klebepunkte, die die Moderation eingetragen hat.") if result.with_dots else ""
    title_page(doc, _("Workshop-Bericht"), workshop.title, lines, note)


def workshop_report_document(data: ChecklistData, result: WorkshopResult, today: date | None = None) -> Document:
    catalog = data.catalog
    doc = new_document(_("Workshop-Bericht {title}").format(title=result.workshop.title), data.institution.name)
    _cover(doc, data, result, today or date.today())
    titles = {r.id: r.title for r in catalog.requirements()}
    heading(doc, _("Ergebnisse je Anforderung"), 1)
    for s in result.stats:
        heading(doc, f"{s.requirement_id} {titles.get(s.requirement_id, '')}", 2)
        agreed = result.consensus.get(s.requirement_id)
        shown = s.shown
        distribution = ", ".join(f"{v.label}: {s.counts.get(v.value, 0)}" for v in catalog.scale.values)
        facts = [
            (_("Antworten"), f"{s.answers} ({_('kann ich nicht beurteilen')}: {s.cannot_judge})"),
            (_("Verteilung"), distribution if shown else _("verborgen: weniger Bewertungen als die Schwelle")),
            (_("Median"), catalog.scale.label(s.median) if shown and s.median else HIDDEN),
            (_("Uneinig"), _("ja") if s.disagreement else _("nein")),
            (_("Konsens"), catalog.scale.label(agreed.rating) if agreed else _("noch offen")),
            (_("Begründung"), agreed.reason if agreed and agreed.reason else HIDDEN),
            (_("Abweichende Meinungen"), agreed.dissent if agreed and agreed.dissent else HIDDEN),
        ]
        table(doc, [], facts, [5.0, 11.8], head=False)
        comments = result.comments.get(s.requirement_id, ())
        if comments:
            para(doc, _("Kommentare"), bold=True)
            for text in comments:
                doc.add_paragraph(style="List Bullet").add_run(safe(text))
    return doc
