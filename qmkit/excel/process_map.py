"""The process map as a workbook: a cover, the processes, the requirement × process matrix and the coverage.

Pure: :class:`~qmkit.domain.process_map.ProcessMapData` in, an openpyxl ``Workbook`` out. A4 landscape with
qmkit's print header and page numbers; every user text goes through :func:`~qmkit.excel.style.put`, so a name
starting with ``=`` stays text.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.domain.process_map import LANE_TITLES, ProcessKind, ProcessMapData
from qmkit.excel.style import (
    BODY_FONT,
    BOLD_FONT,
    BORDER,
    FONT_NAME,
    HEADER_FILL,
    HEADER_FONT,
    WRAP_TOP,
    Column,
    cover,
    fit_rows,
    header,
    print_setup,
    put,
    table,
)
from qmkit.i18n import _

CHECK = "✓"
GAP_FILL = PatternFill("solid", fgColor="FDECEA")
CENTER = Alignment(horizontal="center", vertical="top")


def process_map_filename(data: ProcessMapData, suffix: str = ".xlsx", today: date | None = None) -> str:
    """'Prozesslandkarte_<Einrichtung>_<Datum>.xlsx' (or .svg), safe on every file system."""
    raw = f"Prozesslandkarte_{data.institution}_{(today or date.today()).isoformat()}"
    return re.sub(r"_+", "_", re.sub(r"[^\w\-]+", "_", raw)).strip("_-")[:150] + suffix


def process_map_workbook(data: ProcessMapData) -> Workbook:
    wb = Workbook()
    head = (data.institution, _("Prozesslandkarte"))
    _cover(wb.active, data, head)
    _processes(wb.create_sheet(_("Prozesse")), data, head)
    _matrix(wb.create_sheet(_("Matrix")), data, head)
    _coverage(wb.create_sheet(_("Abdeckung")), data, head)
    return wb


def _cover(ws: Worksheet, data: ProcessMapData, head: tuple[str, str]) -> None:
    ws.title = _("Deckblatt")
    counts = ", ".join(f"{_(LANE_TITLES[k])}: {len(data.of_kind(k))}" for k in ProcessKind)
    cov = data.coverage
    lines: list[tuple[str, Any]] = [
        (_("Einrichtung"), data.institution),
        (_("Zyklus"), data.cycle),
        (_("Qualitätsmodell"), data.catalog),
        (_("Stand vom"), date.today().strftime("%d.%m.%Y")),
        (_("Prozesse"), f"{len(data.processes)} ({counts})"),
        (
            _("Abdeckung"),
            _("{covered} von {total} Anforderungen von mindestens einem Prozess bedient ({percent} %)").format(
                covered=cov.covered, total=cov.total, percent=cov.percent
            ),
        ),
    ]
    note = _(
        "Die Prozesslandkarte ordnet die eigenen Führungs-, Kern- und Unterstützungsprozesse der Einrichtung den "
        "Anforderungen des Qualitätsmodells zu. Blatt „Matrix“: ✓ = der Prozess bedient die Anforderung; Blatt "
        "„Abdeckung“: Anforderungen ohne Prozess und Prozesse ohne Anforderung."
    )
    cover(ws, _("Prozesslandkarte"), lines, note, head)


def _processes(ws: Worksheet, data: ProcessMapData, head: tuple[str, str]) -> None:
    columns: list[Column] = [
        (_("Nr."), 5, False),
        (_("Art"), 14, False),
        (_("Prozess"), 26, False),
        (_("Verantwortlich"), 20, False),
        (_("Zweck"), 34, False),
        (_("Eingaben"), 28, False),
        (_("Ergebnisse"), 28, False),
        (_("Dokumente (Nachweisregister)"), 28, False),
        (_("Anforderungen"), 22, False),
    ]
    rows = [
        [
            n,
            p.kind_label,
            p.name,
            p.owner,
            p.purpose,
            p.inputs,
            p.outputs,
            "\n".join(data.documents(p)),
            ", ".join(data.requirement_links(p)) or _("keine"),
        ]
        for n, p in enumerate(data.processes, start=1)
    ]
    table(ws, columns, rows, _("Noch keine Prozesse erfasst."))
    print_setup(ws, *head)


def _matrix(ws: Worksheet, data: ProcessMapData, head: tuple[str, str]) -> None:
    columns: list[Column] = [(_("ID"), 9, False), (_("Bereich"), 18, False), (_("Anforderung"), 34, False)]
    columns += [(p.name, 12, False) for p in data.processes]
    columns.append((_("Anzahl Prozesse"), 10, False))
    header(ws, columns)
    ws.row_dimensions[1].height = min(409.0, max(ws.row_dimensions[1].height or 15, 60.0))
    for col in range(4, 4 + len(data.processes)):
        ws.cell(row=1, column=col).alignment = Alignment(wrap_text=True, vertical="bottom", text_rotation=0)
    for r, req in enumerate(data.requirements, start=2):
        served = data.coverage.served_by.get(req.id, ())
        values: list[Any] = [req.id, req.area_title, req.title]
        values += [CHECK if p.id in served else "" for p in data.processes]
        values.append(len(served))
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.border = BORDER
            cell.alignment = CENTER if c > 3 else WRAP_TOP
            if not served:
                cell.fill = GAP_FILL
    last = len(data.requirements) + 1
    fit_rows(ws, 2, last)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    ws.freeze_panes = "D2"
    print_setup(ws, *head)


def _section(ws: Worksheet, row: int, title: str, columns: list[Column], rows: list[list[Any]], empty: str) -> int:
    """A titled table inside a sheet (header row in qmkit's colours); returns the next free row."""
    put(ws, row, 1, title).font = Font(name=FONT_NAME, size=11, bold=True)
    for c, (text, _width, _answer) in enumerate(columns, start=1):
        cell = put(ws, row + 1, c, text)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
    if not rows:
        put(ws, row + 2, 1, empty).font = BODY_FONT
        return row + 4
    for r, values in enumerate(rows, start=row + 2):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment, cell.border = WRAP_TOP, BORDER
    fit_rows(ws, row + 2, row + 1 + len(rows))
    return row + len(rows) + 3


def _coverage(ws: Worksheet, data: ProcessMapData, head: tuple[str, str]) -> None:
    cov = data.coverage
    for col, width in zip("ABC", (14, 30, 60), strict=True):
        ws.column_dimensions[col].width = width
    put(ws, 1, 1, _("Abdeckung")).font = Font(name=FONT_NAME, size=14, bold=True)
    figures = [
        (_("Anforderungen"), cov.total),
        (_("von Prozessen bedient"), cov.covered),
        (_("ohne Prozess"), len(cov.uncovered)),
        (_("Prozesse ohne Anforderung"), len(cov.idle)),
    ]
    for i, (label, value) in enumerate(figures, start=3):
        put(ws, i, 1, label).font = BOLD_FONT
        put(ws, i, 2, value).alignment = Alignment(horizontal="left")
    row = len(figures) + 4
    uncovered = [[r, data.requirement(r).area_title, data.requirement(r).title] for r in cov.uncovered]
    row = _section(
        ws,
        row,
        _("Anforderungen, die kein Prozess bedient"),
        [(_("ID"), 14, False), (_("Bereich"), 30, False), (_("Anforderung"), 60, False)],
        uncovered,
        _("Keine – jede Anforderung wird von mindestens einem Prozess bedient."),
    )
    idle = [[data.process(p).kind_label, data.process(p).name, data.process(p).owner] for p in cov.idle]
    _section(
        ws,
        row,
        _("Prozesse, die keine Anforderung bedienen"),
        [(_("Art"), 14, False), (_("Prozess"), 30, False), (_("Verantwortlich"), 60, False)],
        idle,
        _("Keine – jeder Prozess bedient mindestens eine Anforderung."),
    )
    print_setup(ws, *head)
    ws.page_setup.orientation = "portrait"
