"""Workshop sheets of the Excel exports: the "Workshops" sheet of the checklist and the workshop report.

Aggregates, consensus and dissent only; distributions and comments below the anonymity threshold stay
hidden, and names appear only in a workshop that was set to named. Pure functions, print-ready.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import day_text
from qmkit.domain.selfeval import ChecklistData
from qmkit.domain.workshop import WorkshopResult
from qmkit.excel.style import (
    BOLD_FONT,
    FONT_NAME,
    WRAP_TOP,
    Column,
    export_filename,
    print_setup,
    put,
    sheet_title,
    table,
)
from qmkit.i18n import _

HIDDEN = "–"


def result_columns(catalog: Catalog, with_workshop: bool) -> list[Column]:
    columns: list[Column] = [(_("Workshop"), 24, False), (_("Datum"), 11, False)] if with_workshop else []
    columns += [
        (_("Nr."), 8, False),
        (_("Anforderung"), 30, False),
        (_("Antworten"), 10, False),
        (_("kann ich nicht beurteilen"), 11, False),
    ]
    columns += [(v.label, 10, False) for v in catalog.scale.values]
    columns += [
        (_("Median"), 12, False),
        (_("Streuung (Stufen)"), 10, False),
        (_("Uneinig"), 9, False),
        (_("Konsens"), 14, False),
        (_("Begründung"), 34, False),
        (_("Abweichende Meinungen"), 30, False),
    ]
    return columns


def result_rows(catalog: Catalog, result: WorkshopResult, with_workshop: bool) -> list[list[Any]]:
    titles = {r.id: r.title for r in catalog.requirements()}
    rows = []
    for s in result.stats:
        agreed = result.consensus.get(s.requirement_id)
        row: list[Any] = [result.workshop.title, day_text(result.workshop.held_on)] if with_workshop else []
        row += [s.requirement_id, titles.get(s.requirement_id, ""), s.answers, s.cannot_judge]
        row += [s.counts.get(v.value, 0) if s.shown else HIDDEN for v in catalog.scale.values]
        row += [
            catalog.scale.label(s.median) if s.shown else HIDDEN,
            s.spread if s.shown and s.spread is not None else HIDDEN,
            _("ja") if s.disagreement else "",
            catalog.scale.label(agreed.rating) if agreed else "",
            agreed.reason if agreed else "",
            agreed.dissent if agreed else "",
        ]
        rows.append(row)
    return rows


def add_workshop_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    """The checklist's "Workshops" sheet: every workshop of the cycle, one row per rated requirement."""
    if not data.workshops:
        return
    ws = wb.create_sheet(sheet_title(_("Workshops"), taken))
    rows = [row for result in data.workshops for row in result_rows(data.catalog, result, True)]
    table(ws, result_columns(data.catalog, True), rows, _("Keine Workshops in diesem Zyklus."))
    print_setup(ws, data.institution.name, _("Workshops"))


def build_workshop_workbook(data: ChecklistData, result: WorkshopResult, today: date | None = None) -> Workbook:
    """The workshop report: a cover (who, when, how anonymous), the results, and the comments."""
    workshop = result.workshop
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Bericht")
    put(ws, 1, 1, _("Workshop-Bericht: {title}").format(title=workshop.title)).font = Font(
        name=FONT_NAME, bold=True, size=16
    )
    decided = len(result.consensus)
    lines: list[tuple[str, Any]] = [
        (_("Einrichtung"), data.institution.name),
        (_("Qualitätsmodell"), data.catalog.name),
        (_("Zyklus"), data.cycle.name),
        (_("Workshop am"), day_text(workshop.held_on)),
        (_("Teilnehmende"), result.participants),
        (_("Anforderungen"), len(workshop.requirement_ids)),
        (_("Konsens erzielt"), _("{n} von {total}").format(n=decided, total=len(workshop.requirement_ids))),
        (
            _("Anonymität"),
            (_("Namen werden gezeigt (so eingestellt).") if workshop.named else _("anonym: keine Namen gespeichert."))
            + " "
            + _("Verteilungen und Kommentare erst ab {t} Bewertungen je Anforderung.").format(t=workshop.threshold),
        ),
        (_("Methode"), _("Erst Einzelbewertung, dann Konsens in der Gruppe (CAF).")),
        (_("Stand vom"), day_text(today or date.today())),
    ]
    if result.with_dots:
        lines.append((_("Hinweis"), _("Enthält Klebepunkte, die die Moderation eingetragen hat.")))
    for i, (label, value) in enumerate(lines, start=3):
        put(ws, i, 1, label).font = BOLD_FONT
        put(ws, i, 2, value).alignment = WRAP_TOP
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80
    print_setup(ws, data.institution.name, workshop.title)
    ws.page_setup.orientation = "portrait"

    taken = {_("Bericht")}
    results = wb.create_sheet(sheet_title(_("Ergebnisse"), taken))
    table(results, result_columns(data.catalog, False), result_rows(data.catalog, result, False), "")
    print_setup(results, data.institution.name, workshop.title)

    notes = wb.create_sheet(sheet_title(_("Kommentare"), taken))
    comment_rows = [[req, text] for req in workshop.requirement_ids for text in result.comments.get(req, ())]
    table(
        notes,
        [(_("Nr."), 10, False), (_("Kommentar"), 100, False)],
        comment_rows,
        _("Keine Kommentare (oder weniger Bewertungen als die Anonymitätsschwelle)."),
    )
    print_setup(notes, data.institution.name, workshop.title)
    wb.properties.title = _("Workshop-Bericht {title}").format(title=workshop.title)
    wb.properties.creator = "qmkit"
    return wb


def workshop_filename(data: ChecklistData, result: WorkshopResult, today: date | None = None) -> str:
    return export_filename(data, today, kind=f"Workshop_{result.workshop.title}")
