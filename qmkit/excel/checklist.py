"""The Excel checklist for certifiers: a pure function from :class:`ChecklistData` to a Workbook.

Saving is separate (:func:`save_workbook`). User text that starts with ``= + - @`` is written as text,
never as a formula. Catalog columns are locked; the answer columns stay editable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.domain.catalog import Group, Requirement
from qmkit.domain.feedback import KIND_LABELS, FindingKind
from qmkit.domain.model import local_time_text
from qmkit.domain.selfeval import ChecklistData
from qmkit.excel.evidence_sheets import evidence_sheet, readiness_sheet, removed_sheet, tint
from qmkit.excel.feedback import add_feedback_sheet
from qmkit.excel.plan import add_plan_sheets
from qmkit.excel.style import (
    ANSWER_FILL,
    BOLD_FONT,
    BORDER,
    FONT_NAME,
    WRAP_TOP,
    fit_rows,
    header,
    print_setup,
    protect,
    put,
    sheet_title,
)
from qmkit.excel.workshop import add_workshop_sheet
from qmkit.i18n import N_, _

# (header, width, is_answer_column)
AREA_COLUMNS: list[tuple[str, float, bool]] = [
    (N_("ID"), 8, False),
    (N_("Gliederung"), 16, False),
    (N_("Anforderung"), 42, False),
    (N_("Selbstbewertung"), 15, True),
    (N_("Umsetzung in der Einrichtung"), 40, True),
    (N_("Nachweisdokumente (Version/Datum)"), 26, True),
    (N_("Fundstelle (Datei, Seite, Link)"), 20, True),
    (N_("nur vor Ort"), 8, True),
    (N_("Verantwortlich"), 14, True),
    (N_("Ergebnis Gutachter*in"), 13, True),
    (N_("Anmerkung Gutachter*in"), 24, True),
]
RESULT_COLUMN = N_("Ergebnis Gutachter*in")
REMARK_COLUMN = N_("Anmerkung Gutachter*in")


def _paths(area: Group) -> list[tuple[str, Requirement]]:
    """(grouping path below the area, requirement) for each requirement of ``area`` in order."""
    found: list[tuple[str, Requirement]] = [("", r) for r in area.requirements]

    def walk(group: Group, trail: str) -> None:
        here = f"{trail} › {group.id} {group.title}" if trail else f"{group.id} {group.title}"
        found.extend((here, r) for r in group.requirements)
        for sub in group.groups:
            walk(sub, here)

    for group in area.groups:
        walk(group, "")
    return found


def _cover_rows(data: ChecklistData) -> list[tuple[str, Any]]:
    """Label and value of each line of the cover: who, which model and cycle, how far, hints."""
    summary = data.summary
    proc = data.catalog.procedure
    rows: list[tuple[str, Any]] = [
        (_("Einrichtung"), data.institution.name),
        (_("QM-Beauftragte*r"), data.institution.qmb),
        (_("Qualitätsmodell"), data.catalog.name),
        (_("Katalogversion"), data.catalog.version),
        (_("Zyklus"), data.cycle.name),
        (_("Stand vom"), date.today().strftime("%d.%m.%Y")),
        (_("Zuletzt geändert"), local_time_text(data.cycle.updated_at)),
        (
            _("Bearbeitungsstand"),
            summary.progress_text(),
        ),
        (_("Verfahren"), proc.name),
        (
            _("Gültigkeit") if proc.certificate else _("Dauer einer Runde"),
            _("{n:g} Jahre").format(n=proc.validity_years) if proc.validity_years else _("keine Zertifizierung"),
        ),
        (_("Quelle des Katalogs"), data.catalog.source),
    ]
    if data.drift.removed:
        rows.append(
            (
                _("Hinweis"),
                _(
                    "{n} Anforderungen dieses Zyklus fehlen im aktuellen Katalog; siehe Blatt "
                    "„Entfallene Anforderungen“."
                ).format(n=len(data.drift.removed)),
            )
        )
    if data.to_confirm:
        rows.append(
            (
                _("Hinweis"),
                _("{n} Angaben sind übernommen (Vorzyklus oder anderer Katalog) und noch nicht bestätigt.").format(
                    n=len(data.to_confirm)
                ),
            )
        )
    return rows


def _cover(wb: Workbook, data: ChecklistData) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = _("Deckblatt")
    put(ws, 1, 1, _("Checkliste Selbstbewertung")).font = Font(name=FONT_NAME, bold=True, size=16)
    rows = _cover_rows(data)
    for i, (label, value) in enumerate(rows, start=3):
        put(ws, i, 1, label).font = BOLD_FONT
        put(ws, i, 2, value).alignment = WRAP_TOP
    put(
        ws,
        len(rows) + 4,
        1,
        _(
            "Hinweis für Gutachter*innen: Die Spalten „Ergebnis Gutachter*in“ (Auswahl: erfüllt, Empfehlung, "
            "Auflage, nicht erfüllt) und „Anmerkung Gutachter*in“ in den Bereichsblättern sind für Ihre "
            "Rückmeldung frei gelassen; die Einrichtung liest sie als Rückmeldebericht wieder ein."
        ),
    ).alignment = WRAP_TOP
    ws.merge_cells(start_row=len(rows) + 4, start_column=1, end_row=len(rows) + 4, end_column=2)
    ws.row_dimensions[len(rows) + 4].height = 32
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    print_setup(ws, data.institution.name, data.cycle.name)
    ws.page_setup.orientation = "portrait"


def _summary_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Übersicht"), taken))
    scale = data.catalog.scale.values
    columns: list[tuple[str, float, bool]] = [
        (_("Bereich"), 10, False),
        (_("Titel"), 44, False),
        (_("Anforderungen"), 14, False),
        (_("bewertet"), 10, False),
        (_("% bewertet"), 11, False),
    ]
    columns += [(v.label, 14, False) for v in scale]
    header(ws, columns)
    areas = data.summary.areas
    for r, area in enumerate(areas, start=2):
        put(ws, r, 1, area.area_id)
        put(ws, r, 2, area.title).alignment = WRAP_TOP
        put(ws, r, 3, area.total)
        put(ws, r, 4, area.rated)
        put(ws, r, 5, area.percent / 100).number_format = "0%"
        for c, value in enumerate(scale, start=6):
            put(ws, r, c, area.counts.get(value.value, 0))
    total_row = len(areas) + 2
    put(ws, total_row, 2, _("Gesamt")).font = BOLD_FONT
    put(ws, total_row, 3, data.summary.total).font = BOLD_FONT
    put(ws, total_row, 4, data.summary.rated).font = BOLD_FONT
    cell = put(ws, total_row, 5, data.summary.percent / 100)
    cell.number_format, cell.font = "0%", BOLD_FONT
    for c, value in enumerate(scale, start=6):
        put(ws, total_row, c, sum(a.counts.get(value.value, 0) for a in areas)).font = BOLD_FONT

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = _("Selbstbewertung je Bereich")
    chart.y_axis.title = _("Anzahl Anforderungen")
    chart.x_axis.title = None
    chart.height = max(7.5, 1.1 * len(areas) + 3)
    chart.width = 24
    chart.add_data(
        Reference(ws, min_col=6, max_col=5 + len(scale), min_row=1, max_row=len(areas) + 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(areas) + 1))
    for series, value in zip(chart.series, scale, strict=True):
        series.graphicalProperties.solidFill = value.color.lstrip("#")
        series.graphicalProperties.line.solidFill = value.color.lstrip("#")
    chart.x_axis.scaling.orientation = "maxMin"  # first area on top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorUnit = 1 if max((a.total for a in areas), default=1) <= 12 else None
    chart.y_axis.number_format = "0"
    ws.add_chart(chart, f"B{total_row + 3}")
    fit_rows(ws, 2, total_row)
    print_setup(ws, data.institution.name, _("Übersicht"))
    ws.page_setup.fitToHeight = 1


def _scale_sheet(wb: Workbook, data: ChecklistData) -> tuple[str, str]:
    """A hidden sheet with the scale labels and the assessors' results; drop-downs refer to it (labels may
    contain commas). Returns the references of both lists."""
    ws = wb.create_sheet("Skala")
    put(ws, 1, 1, _("Bewertungsskala"))
    for r, value in enumerate(data.catalog.scale.values, start=2):
        put(ws, r, 1, value.label)
    put(ws, 1, 2, _("Ergebnis Gutachter*in"))
    for r, kind in enumerate(FindingKind, start=2):
        put(ws, r, 2, _(KIND_LABELS[kind]))
    ws.sheet_state = "hidden"
    return f"Skala!$A$2:$A${len(data.catalog.scale.values) + 1}", f"Skala!$B$2:$B${len(FindingKind) + 1}"


def _list_validation(ws: Worksheet, ref: str, error: str, title: str, prompt: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=ref, allow_blank=True, showDropDown=False)
    validation.error, validation.errorTitle, validation.prompt = _(error), _(title), _(prompt)
    ws.add_data_validation(validation)
    return validation


def _area_sheet(wb: Workbook, data: ChecklistData, area: Group, taken: set[str], refs: tuple[str, str]) -> None:
    ws = wb.create_sheet(sheet_title(f"{area.id} {area.title}", taken))
    header(ws, [(_(title), width, answer) for title, width, answer in AREA_COLUMNS])
    rating_col = 4
    validation = _list_validation(
        ws,
        refs[0],
        N_("Bitte einen Wert der Skala wählen."),
        N_("Ungültige Bewertung"),
        N_("Bewertung aus der Liste wählen"),
    )
    results = _list_validation(
        ws,
        refs[1],
        N_("Bitte ein Ergebnis aus der Liste wählen."),
        N_("Ungültiges Ergebnis"),
        N_("Ergebnis aus der Liste wählen"),
    )
    rows = _paths(area)
    for r, (trail, req) in enumerate(rows, start=2):
        a = data.assessment(req.id)
        evidence = "\n".join(f"{e.title} ({e.version})" if e.version else e.title for e in a.evidence if e.title)
        places = "\n".join(e.location for e in a.evidence if e.location)
        on_site = _("ja") if any(e.on_site_only for e in a.evidence) else (_("nein") if a.evidence else "")
        rating_label = data.catalog.scale.label(a.rating) if a.rating else ""
        values = [
            req.id,
            trail,
            f"{req.title}\n{req.text}",
            rating_label,
            a.implementation,
            evidence,
            places,
            on_site,
            a.responsible,
            "",
            "",
        ]
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment, cell.border = WRAP_TOP, BORDER
            if AREA_COLUMNS[c - 1][2]:
                cell.protection = Protection(locked=False)
                cell.fill = ANSWER_FILL
    last = len(rows) + 1
    letter = get_column_letter(rating_col)
    validation.add(f"{letter}2:{letter}{last}")
    result_letter = get_column_letter(_column_number(RESULT_COLUMN))
    results.add(f"{result_letter}2:{result_letter}{last}")
    _rating_colors(ws, data, f"{letter}2:{letter}{last}")
    if not area.groups:
        ws.column_dimensions["B"].hidden = True
    fit_rows(ws, 2, last)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(AREA_COLUMNS))}{last}"
    protect(ws)
    print_setup(ws, data.institution.name, f"{area.id} {area.title}")


def _rating_colors(ws: Worksheet, data: ChecklistData, ref: str) -> None:
    """Each rating cell tinted in its scale value's colour (conditional formatting, so it follows edits)."""
    for scale_value in data.catalog.scale.values:
        escaped = scale_value.label.replace('"', '""')
        ws.conditional_formatting.add(
            ref,
            CellIsRule(
                operator="equal",
                formula=[f'"{escaped}"'],
                fill=PatternFill("solid", fgColor=tint(scale_value.color)),
            ),
        )


def _column_number(title: str) -> int:
    return [t for t, _w, _a in AREA_COLUMNS].index(title) + 1


META_SHEET = "qmkit-Export"
META_MARK = "qmkit-checklist-export"
META_FIELDS = ("rating", "implementation", "responsible")  # the answers an import may bring back


def _meta_sheet(wb: Workbook, data: ChecklistData) -> None:
    """A very hidden sheet with what the import needs: which cycle, which sheets, and each answer as exported.

    The import compares the file with these values and with the store, so it can tell a colleague's change
    from a change made in the app since the export (a conflict).
    """
    ws = wb.create_sheet(META_SHEET)
    put(ws, 1, 1, META_MARK)
    put(ws, 1, 2, 1)  # format version
    for c, value in enumerate(
        [data.institution.id, data.cycle.id, data.catalog.id, data.institution.name, data.cycle.name], start=1
    ):
        put(ws, 2, c, value)
    for c, name in enumerate(wb.sheetnames, start=1):
        put(ws, 3, c, name)
    for r, req in enumerate(data.catalog.requirements(), start=4):
        a = data.assessment(req.id)
        for c, value in enumerate([req.id, a.revision, a.rating or "", a.implementation, a.responsible], start=1):
            put(ws, r, c, value)
    ws.sheet_state = "veryHidden"


def build_workbook(data: ChecklistData, extra: Callable[[Workbook, set[str]], None] | None = None) -> Workbook:
    """The checklist as a Workbook: cover, summary with chart, one sheet per area, evidence list, plan sheets.

    ``extra`` adds sheets before the export state is recorded (the submission package's index).
    """
    wb = Workbook()
    taken: set[str] = {_("Deckblatt"), "Skala"}
    _cover(wb, data)
    _summary_sheet(wb, data, taken)
    refs = _scale_sheet(wb, data)
    for area in data.catalog.areas:
        _area_sheet(wb, data, area, taken, refs)
    evidence_sheet(wb, data, taken)
    readiness_sheet(wb, data, taken)
    if data.drift.removed:
        removed_sheet(wb, data, taken)
    add_plan_sheets(wb, data, taken)
    add_workshop_sheet(wb, data, taken)
    add_feedback_sheet(wb, data, taken)
    if extra is not None:
        extra(wb, taken)
    wb.move_sheet("Skala", offset=len(wb.sheetnames) - wb.sheetnames.index("Skala") - 1)
    _meta_sheet(wb, data)
    wb.properties.title = _("Checkliste {model} – {inst}").format(model=data.catalog.name, inst=data.institution.name)
    wb.properties.creator = "qmkit"
    return wb
