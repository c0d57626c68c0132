"""The checklist's evidence sheets: documents, readiness check, requirements no longer in the catalog."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from qmkit.domain.readiness import Severity
from qmkit.domain.selfeval import ChecklistData
from qmkit.excel.style import (
    BOLD_FONT,
    BORDER,
    WRAP_TOP,
    fit_rows,
    header,
    print_setup,
    put,
    sheet_title,
)
from qmkit.i18n import _


def tint(color: str) -> str:
    """A light tint of ``#rrggbb`` for cell backgrounds (text stays readable in print)."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "".join(f"{int(c + (255 - c) * 0.7):02X}" for c in rgb)


def evidence_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Nachweise"), taken))
    columns: list[tuple[str, float, bool]] = [
        (_("Anforderung"), 11, False),
        (_("Bereich"), 10, False),
        (_("Nachweisdokument"), 32, False),
        (_("Art"), 16, False),
        (_("Version"), 10, False),
        (_("Stand vom"), 11, False),
        (_("Gültig bis"), 11, False),
        (_("Verantwortlich"), 16, False),
        (_("Fundstelle / Datei"), 30, False),
        (_("nur vor Ort"), 9, False),
    ]
    header(ws, columns)
    r = 1
    for area in data.catalog.areas:
        for req in area.all_requirements():
            for ev in data.assessment(req.id).evidence:
                doc = ev.document
                r += 1
                place = "\n".join(x for x in (doc.location, doc.file_name) if x)
                values = [
                    req.id,
                    area.id,
                    doc.title,
                    doc.kind_label,
                    doc.version,
                    doc.effective_on,
                    doc.review_on,
                    doc.owner,
                    place,
                    _("ja") if doc.on_site_only else _("nein"),
                ]
                for c, value in enumerate(values, start=1):
                    cell = put(ws, r, c, value)
                    cell.alignment, cell.border = WRAP_TOP, BORDER
                    if isinstance(value, date):
                        cell.number_format = "DD.MM.YYYY"
    if r == 1:
        put(ws, 2, 1, _("Noch keine Nachweise erfasst."))
    fit_rows(ws, 2, max(r, 2))
    ws.auto_filter.ref = f"A1:J{max(r, 2)}"
    print_setup(ws, data.institution.name, _("Nachweise"))


READY_FILL = PatternFill("solid", fgColor="E2F0D9")


MISSING_FILL = PatternFill("solid", fgColor="FCE4D6")


def readiness_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    """The readiness check as the document review would see it: per area, then what is missing where."""
    report = data.readiness
    ws = wb.create_sheet(sheet_title(_("Einreichungscheck"), taken))
    columns: list[tuple[str, float, bool]] = [
        (_("Bereich"), 11, False),
        (_("Anforderung"), 11, False),
        (_("Titel"), 36, False),
        (_("Stand"), 12, False),
        (_("Was fehlt / Hinweise"), 70, False),
    ]
    put(
        ws,
        1,
        1,
        _("Einreichungscheck vom {day}: {ready} von {total} Anforderungen bereit ({pct} %)").format(
            day=report.as_of.strftime("%d.%m.%Y"), ready=report.ready, total=report.total, pct=report.percent
        ),
    ).font = BOLD_FONT
    r = 2
    for area in report.areas:
        put(ws, r, 1, area.area_id)
        put(ws, r, 3, area.title)
        put(ws, r, 4, f"{area.percent} %")
        put(ws, r, 5, _("{ready} von {total} bereit").format(ready=area.ready, total=area.total))
        r += 1
    r += 1
    header(ws, columns, row=r)
    first = r + 1
    for item in report.requirements:
        r += 1
        notes = "\n".join(("✗ " if f.severity == Severity.MISSING else "• ") + f.message for f in item.findings)
        values = [item.area_id, item.requirement_id, item.title, _("bereit") if item.ready else _("fehlt noch"), notes]
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment, cell.border = WRAP_TOP, BORDER
        ws.cell(row=r, column=4).fill = READY_FILL if item.ready else MISSING_FILL
    fit_rows(ws, first, max(r, first))
    ws.auto_filter.ref = f"A{first - 1}:E{max(r, first)}"
    print_setup(ws, data.institution.name, _("Einreichungscheck"))


def removed_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Entfallene Anforderungen"), taken))
    columns: list[tuple[str, float, bool]] = [
        (_("ID"), 12, False),
        (_("Selbstbewertung (gespeichert)"), 22, False),
        (_("Umsetzung"), 60, False),
        (_("Verantwortlich"), 20, False),
    ]
    header(ws, columns)
    for r, req_id in enumerate(data.drift.removed, start=2):
        a = data.assessment(req_id)
        for c, value in enumerate([req_id, a.rating or "", a.implementation, a.responsible], start=1):
            put(ws, r, c, value).alignment = WRAP_TOP
    fit_rows(ws, 2, len(data.drift.removed) + 1)
    print_setup(ws, data.institution.name, _("Entfallene Anforderungen"))
