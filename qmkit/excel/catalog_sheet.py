"""One sheet of a requirement list as read: header row, rows as text, and what the eye sees (bold, merged).

Merged cells that run down the table are filled into every row they cover (and listed); a row merged across
columns counts as a heading. No widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qmkit.errors import InputError
from qmkit.excel.reading import cell_text, open_workbook
from qmkit.i18n import _

MAX_ROWS = 5000
MAX_COLUMNS = 40
HEADER_SEARCH_ROWS = 20
ROLES = ("id", "area", "level", "requirement", "title", "guidance", "evidence", "evidence_required", "scale")
# Header words that suggest a column's role (lower case, the first match wins); English ones from peer libraries.
HINTS = {
    "id": ("id", "nr", "nr.", "nummer", "kennung", "kürzel", "code", "ref_id"),
    "area": ("bereich", "qualitätsbereich", "kapitel", "handlungsfeld", "kriterium"),
    "level": ("ebene", "tiefe", "depth", "gliederungsebene", "gliederungstiefe", "stufe", "level"),
    "requirement": (
        "anforderung",
        "standard",
        "mindestanforderung",
        "text",
        "beschreibung",
        "kriterientext",
        "description",
    ),
    "title": ("titel", "kurztitel", "überschrift", "thema", "name"),
    "guidance": ("hinweis", "erläuterung", "erläuterungen", "anmerkung", "leitfrage", "annotation"),
    "evidence": ("nachweis", "nachweise", "nachweismöglichkeiten", "belege", "dokumente", "typical_evidence"),
    "evidence_required": ("nachweis pflicht", "pflichtnachweis"),
    "scale": ("skala", "skala (werte)"),
}


@dataclass(frozen=True)
class SheetTable:
    """One sheet as read: its header row (number and texts), the data rows below it as text, the rows whose
    first cell is bold, the rows merged across columns (row → range), a title cell above the header and notes
    on merged cells filled down."""

    name: str
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells)
    bold: frozenset[int] = frozenset()
    merged: tuple[tuple[int, str], ...] = ()
    title: str = ""
    notes: tuple[str, ...] = ()

    def column_choices(self) -> list[tuple[str, int]]:
        """('B – Anforderung', 1) for each column that has a header or data."""
        return [(f"{letter(i)} – {h or _('(ohne Überschrift)')}", i) for i, h in enumerate(self.headers)]

    @property
    def merged_rows(self) -> dict[int, str]:
        return dict(self.merged)


def letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(text: str) -> int:
    number = 0
    for ch in text.upper():
        number = number * 26 + ord(ch) - 64
    return number - 1


def read_sheet(content: bytes, name: str, sheet: str | None = None, header_row: int | None = None) -> SheetTable:
    """Read one sheet of the file (after the checklist import's file checks); see :func:`sheet_table`."""
    return sheet_table(open_workbook(content, name), name, sheet, header_row)


def _beyond(ws: Any) -> list[str]:
    """Notes on cells with content below :data:`MAX_ROWS` or right of :data:`MAX_COLUMNS` (not read)."""
    limit = MAX_ROWS + HEADER_SEARCH_ROWS
    rows = {r for (r, c), cell in getattr(ws, "_cells", {}).items() if r > limit and cell.value is not None}
    cols = {c for (r, c), cell in getattr(ws, "_cells", {}).items() if c > MAX_COLUMNS and cell.value is not None}
    notes = []
    if rows:
        notes.append(
            _("Zeilen ab {n}: nicht gelesen ({k} mit Inhalt; höchstens {max} Zeilen je Blatt).").format(
                n=min(rows), k=len(rows), max=limit
            )
        )
    if cols:
        notes.append(
            _("Spalten ab {c}: nicht gelesen (höchstens {max} Spalten).").format(
                c=letter(min(cols) - 1), max=MAX_COLUMNS
            )
        )
    return notes


def _cells(ws: Any) -> tuple[dict[int, list[str]], set[int]]:
    """Every row's texts (first :data:`MAX_COLUMNS` columns) and the rows whose first text cell is bold.

    Reads the cells the file has (openpyxl's cell map) instead of walking the grid: walking would create an
    empty cell for every coordinate up to the last row, which costs seconds for a sparse sheet."""
    limit = MAX_ROWS + HEADER_SEARCH_ROWS
    by_row: dict[int, dict[int, Any]] = {}
    for (row, col), cell in getattr(ws, "_cells", {}).items():
        if row <= limit and col <= MAX_COLUMNS and cell.value is not None:
            by_row.setdefault(row, {})[col] = cell
    grid: dict[int, list[str]] = {}
    bold: set[int] = set()
    for number in sorted(by_row):
        cells = by_row[number]
        texts = [""] * max(cells)
        for col, cell in cells.items():
            texts[col - 1] = cell_text(cell.value).strip()
        if not any(texts):
            continue
        grid[number] = texts
        first = cells[next(i for i, t in enumerate(texts, start=1) if t)]
        if first.font is not None and first.font.b:
            bold.add(number)
    return grid, bold


def _merges(ws: Any, grid: dict[int, list[str]], header_row: int) -> tuple[list[tuple[int, str]], list[str]]:
    """Rows merged across columns (a heading's look) and notes on merges down the table, whose value is
    filled into every row they cover."""
    across: list[tuple[int, str]] = []
    notes: list[str] = []
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if rng.min_row <= header_row or rng.min_col > MAX_COLUMNS:
            continue
        if rng.max_row == rng.min_row:
            across.append((rng.min_row, rng.coord))
            continue
        value = grid.get(rng.min_row, [""] * MAX_COLUMNS)[rng.min_col - 1]
        last = min(rng.max_row, MAX_ROWS + HEADER_SEARCH_ROWS)
        for number in range(rng.min_row + 1, last + 1):
            row = grid.setdefault(number, [""] * len(grid.get(rng.min_row, [""] * MAX_COLUMNS)))
            row.extend([""] * (rng.min_col - len(row)))
            row[rng.min_col - 1] = value
        notes.append(
            _("Zeilen {a}–{b}: verbundene Zellen {ref} – der Wert „{v}“ gilt für jede dieser Zeilen.").format(
                a=rng.min_row, b=rng.max_row, ref=rng.coord, v=value[:60]
            )
        )
    return across, notes


def sheet_table(wb: Any, name: str, sheet: str | None = None, header_row: int | None = None) -> SheetTable:
    """One sheet of an opened workbook: the header row (given, or the first row with two or more texts) and
    the rows below it (at most :data:`MAX_ROWS`, so a far-away dimension costs nothing)."""
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
        raise InputError(_("Das Blatt „{s}“ gibt es in „{n}“ nicht.").format(s=sheet, n=name), "sheet")
    grid, bold = _cells(ws)
    if not grid:
        raise InputError(_("Das Blatt „{s}“ ist leer.").format(s=ws.title), "sheet")
    numbers = sorted(grid)
    if header_row is None:
        header_row = next(
            (n for n in numbers[:HEADER_SEARCH_ROWS] if sum(1 for c in grid[n] if c and not c[:1].isdigit()) >= 2),
            numbers[0],
        )
    if header_row not in grid:
        raise InputError(_("Zeile {n} ist leer; bitte die Zeile mit den Überschriften angeben.").format(n=header_row))
    across, notes = _merges(ws, grid, header_row)
    notes += _beyond(ws)
    width = max(len(grid[n]) for n in grid)
    while width > 1 and not any(len(cells) >= width and cells[width - 1] for cells in grid.values()):
        width -= 1
    pad = lambda cells: tuple(cells[:width]) + ("",) * (width - len(cells[:width]))  # noqa: E731
    body = tuple((n, pad(grid[n])) for n in sorted(grid) if n > header_row and any(grid[n]))
    above = [grid[n] for n in numbers if n < header_row]
    title = next((t for cells in above for t in cells if t and sum(1 for c in cells if c) == 1), "")
    return SheetTable(ws.title, header_row, pad(grid[header_row]), body, frozenset(bold), tuple(across), title,
                      tuple(notes))  # fmt: skip


def guess_columns(table: SheetTable) -> dict[str, int]:
    """A first guess of each role's column from the header words (the QMB checks and corrects it)."""
    found: dict[str, int] = {}
    for role in ROLES:
        for index, header in enumerate(table.headers):
            words = header.casefold().replace("*", "").split()
            if index in found.values() or not words:
                continue
            if words[0].rstrip(":") in HINTS[role] or header.casefold() in HINTS[role]:
                found[role] = index
                break
    return found
