"""The look every qmkit workbook shares: fonts, fills, borders, safe cell writing, headers, tables, print setup.

Every sheet module builds on these public helpers; none imports another sheet module's internals. User text that
starts with ``= + - @`` is written as text, never as a formula.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.config import PRIVATE_FILE, private_folder
from qmkit.domain.selfeval import ChecklistData
from qmkit.errors import ExportError
from qmkit.i18n import _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Text a spreadsheet must not run as a formula gets a leading apostrophe (CSV cells have no type)."""
    return "'" + value if value.startswith(FORMULA_START) else value


HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FONT_NAME = "Arial"  # Liberation Sans in LibreOffice: same metrics, so row heights hold in print
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
LINE_HEIGHT_PT = 12.75
ANSWER_FILL = PatternFill("solid", fgColor="FFF8E1")
THIN = Side(style="thin", color="B0B0B0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
Column = tuple[str, float, bool]  # (header, width, is_answer_column)


def put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write ``value``; text is cleaned of characters Excel refuses and never becomes a formula."""
    cell = ws.cell(row=row, column=col)
    cell.font = BODY_FONT
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if value.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def header(ws: Worksheet, columns: list[tuple[str, float, bool]], row: int = 1) -> None:
    for col, (title, width, _answer) in enumerate(columns, start=1):
        cell = put(ws, row, col, title)  # titles come translated: catalog labels (scale columns) are data
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = LINE_HEIGHT_PT * max(text_lines(t, w) for t, w, _a in columns) + 4
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    ws.print_title_rows = f"{row}:{row}"


def text_lines(text: object, width: float) -> int:
    """How many printed lines ``text`` needs in a column ``width`` characters wide (wrapped at words)."""
    if not isinstance(text, str) or not text:
        return 1
    usable = max(4.0, width * 1.2 - 1)  # Arial 10 fits about 1.2 characters per width unit
    total = 0
    for line in str(text).split("\n"):
        count, length = 1, 0
        for word in line.split(" "):
            add = len(word) + (1 if length else 0)
            if length and length + add > usable:
                count, length = count + 1, len(word)
            else:
                length += add
        total += count + int(length // usable) if length > usable else count
    return total


def fit_rows(ws: Worksheet, first: int, last: int) -> None:
    """Set row heights from the wrapped text (LibreOffice does not re-measure rows of generated files)."""
    widths = {c: ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, ws.max_column + 1)}
    for r in range(first, last + 1):
        lines = max(
            (
                text_lines(ws.cell(row=r, column=c).value, widths[c])
                for c in widths
                if not ws.column_dimensions[get_column_letter(c)].hidden
            ),
            default=1,
        )
        ws.row_dimensions[r].height = min(409, LINE_HEIGHT_PT * lines + 3)


def print_setup(ws: Worksheet, left: str, right: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    # header and footer sit in the margins: LibreOffice puts the header's text at the header margin and would
    # print it over the first row when the top margin leaves no room for it
    ws.page_margins.top = ws.page_margins.bottom = 0.9
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = ILLEGAL_CHARACTERS_RE.sub("", left.replace("&", "&&"))[:120]
    ws.oddHeader.right.text = ILLEGAL_CHARACTERS_RE.sub("", right.replace("&", "&&"))[:120]
    ws.oddFooter.center.text = _("Seite &P von &N")
    ws.oddFooter.right.text = _("Stand {date}").format(date=date.today().strftime("%d.%m.%Y"))


def protect(ws: Worksheet) -> None:
    """Guard catalog columns against slips (not a security measure); filtering and sizing stay allowed."""
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = SHEET_NAME_BAD.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", text)).strip().strip("'")[:31] or "Blatt"
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def table(ws: Worksheet, columns: list[Column], rows: list[list[Any]], empty: str) -> int:
    """Header in row 1, ``rows`` below (wrapped, bordered, heights fitted); returns the last row used."""
    header(ws, columns)
    if not rows:
        put(ws, 2, 1, empty)
        return 2
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment, cell.border = WRAP_TOP, BORDER
    last = len(rows) + 1
    fit_rows(ws, 2, last)
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(columns)).column_letter}{last}"
    return last


def cover(ws: Worksheet, title: str, lines: list[tuple[str, Any]], note: str, header: tuple[str, str]) -> None:
    """A portrait cover sheet: the title, label/value lines, a note across both columns, print header."""
    put(ws, 1, 1, title).font = Font(name=FONT_NAME, bold=True, size=16)
    for i, (label, value) in enumerate(lines, start=3):
        put(ws, i, 1, label).font = BOLD_FONT
        put(ws, i, 2, value).alignment = WRAP_TOP
    row = len(lines) + 4
    put(ws, row, 1, note).alignment = WRAP_TOP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 80
    ws.row_dimensions[row].height = 58
    print_setup(ws, *header)
    ws.page_setup.orientation = "portrait"


def block(ws: Worksheet, row: int, title: str, lines: list[tuple[str, Any]]) -> int:
    """A titled block of label/value lines below a table (label in B, value across C–F); next free row."""
    put(ws, row, 2, title).font = Font(name=FONT_NAME, size=11, bold=True)
    for i, (label, value) in enumerate(lines, start=row + 1):
        put(ws, i, 2, label).font = BOLD_FONT
        put(ws, i, 3, value).alignment = WRAP_TOP
        ws.merge_cells(start_row=i, start_column=3, end_row=i, end_column=6)
    return row + len(lines) + 2


def export_filename(data: ChecklistData, today: date | None = None, kind: str = "Checkliste") -> str:
    """A file name a person can recognise, safe on every file system ('Checkliste_…', 'Massnahmenplan_…')."""
    stamp = (today or date.today()).isoformat()
    raw = f"{kind}_{data.institution.name}_{data.cycle.name}_{stamp}"
    safe = re.sub(r"_+", "_", re.sub(r"[^\w\-]+", "_", raw)).strip("_-")
    return safe[:150] + ".xlsx"


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """Save atomically (temporary file, then rename) so a reader never sees half a file."""
    return save_atomic(path, wb.save)


def save_atomic(path: Path | str, write: Callable[[str], object]) -> Path:
    """``write(temporary path)``, then rename it to ``path``; a German :class:`ExportError` when it fails."""
    path = Path(path)
    try:
        private_folder(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=".qmkit-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, PRIVATE_FILE)  # an institution's data: only the owner reads it
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(
            _("Die Datei {path} kann nicht gespeichert werden: {err}").format(path=path, err=exc.strerror)
        ) from exc
    return path
