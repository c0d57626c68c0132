"""A checklist that comes back filled: its export record, its area sheets read row by row by column heading.

Both the self-evaluation import and the feedback report read through :class:`ReturnedChecklist`, so the file
checks, the sheet reading and the messages are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from qmkit.excel.checklist import AREA_COLUMNS, META_MARK, META_SHEET
from qmkit.excel.reading import ImportFileError, cell_text, open_workbook
from qmkit.i18n import _, n_
from qmkit.services.selfeval import SelfEvaluation

MAX_ROWS = 5000  # rows read per sheet


@dataclass(frozen=True)
class FilePreview:
    """What reading a returned checklist found besides its changes: which file and cycle, what is not read."""

    cycle_id: int
    file_name: str
    unchanged: int = 0
    problems: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    exported_from: str = ""

    def problems_text(self) -> str:
        return n_("{n} Hinweis zu einem Problem", "{n} Hinweise zu Problemen", len(self.problems)).format(
            n=len(self.problems)
        )


@dataclass
class _Meta:
    cycle_id: int | None = None
    catalog_id: str = ""
    label: str = ""
    sheets: list[str] = field(default_factory=list)
    base: dict[str, dict[str, str]] = field(default_factory=dict)
    found: bool = True  # False: the file has no export record (not exported by qmkit, or the sheet was removed)


def _read_meta(wb: Any) -> _Meta | None:
    if META_SHEET not in wb.sheetnames:
        return None
    ws = wb[META_SHEET]
    if ws.cell(1, 1).value != META_MARK:
        return None
    meta = _Meta()
    try:
        meta.cycle_id = int(ws.cell(2, 2).value)
    except (TypeError, ValueError):
        return None
    meta.catalog_id = cell_text(ws.cell(2, 3).value)
    meta.label = f"{cell_text(ws.cell(2, 4).value)} · {cell_text(ws.cell(2, 5).value)}"
    meta.sheets = [cell_text(c.value) for c in ws[3] if c.value]
    for row in ws.iter_rows(min_row=4, max_row=min(ws.max_row, MAX_ROWS + 4), values_only=True):
        if row and row[0]:
            values = list(row) + [None] * 5
            meta.base[cell_text(values[0])] = {
                "rating": cell_text(values[2]),
                "implementation": cell_text(values[3]),
                "responsible": cell_text(values[4]),
            }
    return meta


@dataclass
class SheetRow:
    """One requirement's row of an area sheet: where it is, its id and the cells of the wanted columns."""

    where: str
    requirement_id: str
    cells: dict[str, Any]
    merged: list[Any]
    problems: list[str]

    def text(self, key: str, label: str) -> str | None:
        """The cell's text; ``None`` (and a problem listed) for a merged cell or a formula, or no such column."""
        cell = self.cells.get(key)
        if cell is None:
            return None
        if any(cell.coordinate in r for r in self.merged):
            self.problems.append(
                _("{w}: „{c}“ liegt in verbundenen Zellen – nicht übernommen.").format(w=self.where, c=_(label))
            )
            return None
        if cell.data_type == "f":
            self.problems.append(
                _("{w}: „{c}“ enthält eine Formel – Formeln werden nie übernommen.").format(w=self.where, c=_(label))
            )
            return None
        return cell_text(cell.value)


@dataclass
class ReturnedChecklist:
    """A returned checklist being read: workbook, export record, cycle, and what is not read so far.

    Both the self-evaluation import and the feedback report read through it, so the file checks, the sheet
    reading by column heading and the messages are the same.
    """

    name: str
    wb: Any
    meta: _Meta
    evaluation: SelfEvaluation
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @classmethod
    def open(
        cls, open_cycle: Callable[[int], SelfEvaluation], content: bytes, name: str, cycle_id: int | None
    ) -> ReturnedChecklist:
        """Check and open ``content``; refuses a file of another cycle or model (:class:`ImportFileError`)."""
        wb = open_workbook(content, name)
        meta = _read_meta(wb)
        if meta is None:
            if cycle_id is None:
                raise ImportFileError(
                    _(
                        "„{name}“ wurde nicht mit qmkit exportiert (oder das verborgene Blatt „{sheet}“ fehlt). "
                        "Bitte den Zyklus angeben, in den eingelesen werden soll."
                    ).format(name=name, sheet=META_SHEET)
                )
            meta = _Meta(cycle_id=cycle_id, found=False)
        elif cycle_id is not None and meta.cycle_id != cycle_id:
            raise ImportFileError(
                _("„{name}“ gehört zu einem anderen Zyklus ({label}).").format(name=name, label=meta.label)
            )
        assert meta.cycle_id is not None
        evaluation = open_cycle(meta.cycle_id)
        if meta.catalog_id and meta.catalog_id != evaluation.catalog.id:
            raise ImportFileError(_("„{name}“ wurde für ein anderes Qualitätsmodell exportiert.").format(name=name))
        return cls(name, wb, meta, evaluation)

    def preview_fields(self, unchanged: int) -> dict[str, Any]:
        """The :class:`FilePreview` fields of this reading."""
        return {
            "cycle_id": self.evaluation.cycle.id,
            "file_name": self.name,
            "unchanged": unchanged,
            "problems": tuple(self.problems),
            "notices": tuple(self.notices),
            "exported_from": self.meta.label,
        }

    def rows(self, wanted: dict[str, str], optional: frozenset[str] = frozenset()) -> Iterator[SheetRow]:
        """The requirement rows of every area sheet, read by column heading (``wanted``: heading → key).

        Moved columns, missing or renamed ones (unless ``optional``), unknown headings, extra sheets, too many
        rows, unknown and repeated ids are listed in ``problems`` / ``notices`` and never yielded.
        """
        return _requirement_rows(self, wanted, optional)


def _german(header: list[str], wanted: dict[str, str]) -> list[str]:
    """The headings as their German message ids: a checklist exported in another language (``QMKIT_LANG``) has
    its column headings translated, and it is read in either language."""
    german = {_(label): label for label in [*(title for title, _w, _a in AREA_COLUMNS), *wanted]}
    return [german.get(title, title) for title in header]


def _sheet_columns(
    sheet: str,
    header: list[str],
    wanted: dict[str, str],
    optional: frozenset[str],
    problems: list[str],
    notices: list[str],
) -> dict[str, int]:
    """Where each wanted column is on an area sheet (found by its heading); moved, missing, unknown ones noted."""
    expected_headers = [title for title, _w, _a in AREA_COLUMNS]
    columns: dict[str, int] = {}
    for label, key in wanted.items():
        if label in header:
            index = header.index(label)
            columns[key] = index
            if label in expected_headers and index != expected_headers.index(label):
                notices.append(
                    _("Blatt „{s}“: Spalte „{c}“ wurde verschoben; sie wird über ihre Überschrift gelesen.").format(
                        s=sheet, c=_(label)
                    )
                )
        elif key != "id" and key not in optional:
            problems.append(
                _(
                    "Blatt „{s}“: Spalte „{c}“ fehlt oder wurde umbenannt – diese Angaben werden nicht übernommen."
                ).format(s=sheet, c=_(label))
            )
    for title in header:
        if title and title not in expected_headers:
            notices.append(_("Blatt „{s}“: unbekannte Spalte „{c}“ wird ignoriert.").format(s=sheet, c=title))
    return columns


def _requirement_rows(
    checklist: ReturnedChecklist, wanted: dict[str, str], optional: frozenset[str]
) -> Iterator[SheetRow]:
    wb, meta, problems, notices = checklist.wb, checklist.meta, checklist.problems, checklist.notices
    known = {r.id for r in checklist.evaluation.catalog.requirements()}
    seen: dict[str, str] = {}
    recognised = 0
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        header = _german([cell_text(c.value).strip() for c in ws[1]] if ws.max_row >= 1 else [], wanted)
        if "ID" not in header or ("Selbstbewertung" not in header and "Anforderung" not in header):
            if meta.sheets and ws.title not in meta.sheets:
                notices.append(_("Zusätzliches Blatt „{s}“ wird nicht eingelesen.").format(s=ws.title))
            continue
        recognised += 1
        columns = _sheet_columns(ws.title, header, wanted, optional, problems, notices)
        merged = [r for r in ws.merged_cells.ranges if r.max_row >= 2]
        if ws.max_row > MAX_ROWS + 1:
            problems.append(
                _("Blatt „{s}“ hat mehr als {n} Zeilen; nur die ersten werden gelesen.").format(s=ws.title, n=MAX_ROWS)
            )
        for row in ws.iter_rows(min_row=2, max_row=min(ws.max_row, MAX_ROWS + 1)):
            id_cell = row[columns["id"]] if columns["id"] < len(row) else None
            req_id = cell_text(id_cell.value).strip() if id_cell is not None else ""
            if not req_id:
                continue
            where = _("Blatt „{s}“, Zeile {r}").format(s=ws.title, r=id_cell.row if id_cell is not None else "?")
            if req_id not in known:
                problems.append(_("{w}: unbekannte Nr. „{id}“ – nicht übernommen.").format(w=where, id=req_id[:40]))
                continue
            if req_id in seen:
                problems.append(
                    _("{w}: „{id}“ steht schon auf {first} – nicht übernommen.").format(
                        w=where, id=req_id, first=seen[req_id]
                    )
                )
                continue
            seen[req_id] = where
            cells = {key: row[i] for key, i in columns.items() if key != "id" and i < len(row)}
            yield SheetRow(where, req_id, cells, merged, problems)
    if not recognised:
        raise ImportFileError(
            _(
                "„{name}“ enthält kein Bereichsblatt mit den Spalten „ID“ und „Anforderung“. Bitte die aus qmkit "
                "exportierte Checkliste verwenden."
            ).format(name=checklist.name)
        )
    for sheet in meta.sheets:
        if sheet not in wb.sheetnames and sheet != META_SHEET:
            notices.append(_("Blatt „{s}“ fehlt in der Datei.").format(s=sheet))
