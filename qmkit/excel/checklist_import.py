"""The Excel round trip: read a checklist that colleagues filled offline and preview what would change.

The file is checked before openpyxl sees it (size, zip entries, declared sizes, what it really is); then every
answer cell is compared three ways: with the value written at export (a very hidden sheet), with the store now,
and with the file. A change in the file is *new* or *changed*; when the app changed the same field since the
export as well, it is a *conflict*. Unknown ids, values outside the scale, formulas, moved or renamed columns,
merged cells and extra sheets are listed, never applied. Nothing in the store changes here: :func:`apply_preview`
does that, after the QMB confirmed. No widgets.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from qmkit.domain.catalog import Catalog, Requirement
from qmkit.domain.model import Assessment
from qmkit.errors import InputError
from qmkit.excel.checklist import AREA_COLUMNS, META_FIELDS, META_MARK, META_SHEET, REMARK_COLUMN, RESULT_COLUMN
from qmkit.i18n import _, n_
from qmkit.services.selfeval import SelfEvaluation

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 150 * 1024 * 1024  # all entries together, as the zip declares them
MAX_ENTRIES = 2000
MAX_RATIO = 150  # unpacked / packed per entry above 1 MB: more is a zip bomb, not a spreadsheet
MAX_ROWS = 5000  # rows read per sheet

FIELD_LABELS = {
    "rating": "Selbstbewertung",
    "implementation": "Umsetzung in der Einrichtung",
    "responsible": "Verantwortlich",
}
KIND_LABELS = {"new": "neu", "changed": "geändert", "conflict": "Konflikt"}


class ImportFileError(InputError):
    """The file cannot be read as a qmkit checklist; the message says why, in German."""

    def __init__(self, message: str):
        super().__init__(message, "file")


@dataclass(frozen=True)
class FieldChange:
    """One answer the file would change. ``base`` is the value at export (None when the file does not say)."""

    requirement_id: str
    field: str
    old: str
    new: str
    base: str | None
    kind: str  # "new" | "changed" | "conflict"
    old_text: str = ""
    new_text: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement_id, self.field)


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


@dataclass(frozen=True)
class ImportPreview(FilePreview):
    """What an import would do; applying it is a separate, confirmed step."""

    changes: tuple[FieldChange, ...] = ()

    @property
    def applicable(self) -> tuple[FieldChange, ...]:
        """Changes without conflict: what "alle übernehmen" applies."""
        return tuple(c for c in self.changes if c.kind != "conflict")

    @property
    def conflicts(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.kind == "conflict")

    def summary(self) -> str:
        counts = {k: sum(1 for c in self.changes if c.kind == k) for k in KIND_LABELS}
        conflicts = n_("{n} Konflikt", "{n} Konflikte", counts["conflict"]).format(n=counts["conflict"])
        return _("{new} neu, {changed} geändert, {conflicts}, {same} unverändert, {problems}").format(
            new=counts["new"],
            changed=counts["changed"],
            conflicts=conflicts,
            same=self.unchanged,
            problems=self.problems_text(),
        )


@dataclass
class ApplyResult:
    applied: list[FieldChange] = field(default_factory=list)
    skipped: list[tuple[FieldChange, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- the file


def import_too_large(size: int) -> str:
    """The German refusal of a file over :data:`MAX_FILE_BYTES` (CLI, page and the browser's own check)."""
    return _("Die Datei ist {mb:.1f} MB groß; höchstens {limit} MB werden eingelesen.").format(
        mb=size / 1024 / 1024, limit=MAX_FILE_BYTES // 1024 // 1024
    )


def check_size(size: int, name: str) -> None:
    """Refuse a file over the limit before it is read (the CLI asks the file system, the page the upload)."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(_("„{name}“: ").format(name=name) + import_too_large(size))


def check_file(content: bytes, name: str = "Datei") -> None:
    """Refuse what is not a small, sane .xlsx before any parser reads it (German message naming the reason)."""
    check_size(len(content), name)
    if not content:
        raise ImportFileError(_("„{name}“ ist leer.").format(name=name))
    head = content[:8]
    if head.startswith(b"%PDF"):
        raise ImportFileError(_("„{name}“ ist eine PDF-Datei, keine Excel-Datei.").format(name=name))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "„{name}“ ist passwortgeschützt oder im alten .xls-Format. Bitte ohne Kennwort als .xlsx "
                "speichern und erneut einlesen."
            ).format(name=name)
        )
    if not head.startswith(b"PK"):
        raise ImportFileError(
            _(
                "„{name}“ ist keine Excel-Datei (.xlsx) – vielleicht eine CSV- oder Textdatei mit falscher "
                "Endung. Bitte die exportierte Checkliste verwenden."
            ).format(name=name)
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise ImportFileError(_("„{name}“ enthält ungewöhnlich viele Teile.").format(name=name))
            total = 0
            for entry in entries:
                total += entry.file_size
                if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(1, entry.compress_size):
                    raise ImportFileError(
                        _(
                            "„{name}“ ist verdächtig stark gepackt (eine sogenannte Zip-Bombe) und wird nicht geöffnet."
                        ).format(name=name)
                    )
            if total > MAX_UNPACKED_BYTES:
                raise ImportFileError(
                    _("„{name}“ wäre entpackt über {limit} MB groß und wird nicht geöffnet.").format(
                        name=name, limit=MAX_UNPACKED_BYTES // 1024 // 1024
                    )
                )
            if "xl/workbook.xml" not in {e.filename for e in entries}:
                raise ImportFileError(
                    _("„{name}“ ist ein Zip-Archiv, aber keine Excel-Arbeitsmappe.").format(name=name)
                )
    except zipfile.BadZipFile:
        raise ImportFileError(_("„{name}“ ist beschädigt und kann nicht gelesen werden.").format(name=name)) from None


def open_workbook(content: bytes, name: str) -> Any:
    """The workbook in ``content`` after the checks of :func:`check_file`, or a German :class:`ImportFileError`."""
    from openpyxl import load_workbook

    check_file(content, name)
    try:  # openpyxl uses defusedxml (a dependency): entity tricks are refused
        return load_workbook(io.BytesIO(content), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        from defusedxml.common import DefusedXmlException

        chain: list[BaseException] = []
        link: BaseException | None = exc
        while link is not None and len(chain) < 10:  # openpyxl wraps the parser's exception
            chain.append(link)
            link = link.__cause__ or link.__context__
        if any(isinstance(e, DefusedXmlException) or "entit" in str(e).lower() for e in chain):
            raise ImportFileError(
                _("„{name}“ enthält unzulässige XML-Konstrukte und wird nicht geöffnet.").format(name=name)
            ) from None
        raise ImportFileError(
            _("„{name}“ kann nicht als Excel-Arbeitsmappe gelesen werden.").format(name=name)
        ) from None


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class _Meta:
    cycle_id: int | None = None
    catalog_id: str = ""
    label: str = ""
    sheets: list[str] = field(default_factory=list)
    base: dict[str, dict[str, str]] = field(default_factory=dict)
    found: bool = True  # False: the file has no export record (not exported by qmkit, or the sheet was removed)


def cell_text(value: Any) -> str:
    """A cell value as text: empty for nothing, "3" for 3.0, line breaks as \\n."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n")


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


def _rating_value(catalog: Catalog, req: Requirement, cell_text: str) -> str | None:
    """The stored value of a rating cell (label or value id), '' for empty, None when outside the scale."""
    text = cell_text.strip()
    if not text:
        return ""
    for v in catalog.scale_for(req):
        if text.casefold() in (v.label.casefold(), v.value.casefold()):
            return v.value
    return None


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


def _requirement_rows(
    checklist: ReturnedChecklist, wanted: dict[str, str], optional: frozenset[str]
) -> Iterator[SheetRow]:
    wb, meta, problems, notices = checklist.wb, checklist.meta, checklist.problems, checklist.notices
    known = {r.id for r in checklist.evaluation.catalog.requirements()}
    expected_headers = [title for title, _w, _a in AREA_COLUMNS]
    seen: dict[str, str] = {}
    recognised = 0
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        header = [cell_text(c.value).strip() for c in ws[1]] if ws.max_row >= 1 else []
        if "ID" not in header or ("Selbstbewertung" not in header and "Anforderung" not in header):
            if meta.sheets and ws.title not in meta.sheets:
                notices.append(_("Zusätzliches Blatt „{s}“ wird nicht eingelesen.").format(s=ws.title))
            continue
        recognised += 1
        columns: dict[str, int] = {}
        for label, key in wanted.items():
            if label in header:
                index = header.index(label)
                columns[key] = index
                if label in expected_headers and index != expected_headers.index(label):
                    notices.append(
                        _("Blatt „{s}“: Spalte „{c}“ wurde verschoben; sie wird über ihre Überschrift gelesen.").format(
                            s=ws.title, c=label
                        )
                    )
            elif key != "id" and key not in optional:
                problems.append(
                    _(
                        "Blatt „{s}“: Spalte „{c}“ fehlt oder wurde umbenannt – diese Angaben werden nicht übernommen."
                    ).format(s=ws.title, c=label)
                )
        for title in header:
            if title and title not in expected_headers:
                notices.append(_("Blatt „{s}“: unbekannte Spalte „{c}“ wird ignoriert.").format(s=ws.title, c=title))
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


def read_checklist(
    open_cycle: Callable[[int], SelfEvaluation], content: bytes, name: str = "Datei", cycle_id: int | None = None
) -> ImportPreview:
    """The preview of importing ``content`` (an .xlsx) into its cycle; raises :class:`ImportFileError`."""
    checklist = ReturnedChecklist.open(open_cycle, content, name, cycle_id)
    evaluation, meta, problems, notices = checklist.evaluation, checklist.meta, checklist.problems, checklist.notices
    if not meta.found:
        notices.append(_("Ohne Exportstand: Konflikte mit Änderungen in der App können nicht erkannt werden."))
    catalog = evaluation.catalog
    known = {r.id: r for r in catalog.requirements()}
    stored = evaluation.assessments()
    wanted = {"ID": "id", **{label: key for key, label in FIELD_LABELS.items()}}
    wanted |= {RESULT_COLUMN: "assessor", REMARK_COLUMN: "assessor_text"}
    changes: list[FieldChange] = []
    unchanged = assessed = 0
    for row in checklist.rows(wanted, frozenset({"assessor", "assessor_text"})):
        req_id = row.requirement_id
        assessed += any(cell_text(row.cells[k].value).strip() for k in ("assessor", "assessor_text") if k in row.cells)
        current = stored.get(req_id, Assessment(evaluation.cycle.id, req_id))
        for key in META_FIELDS:
            raw = row.text(key, FIELD_LABELS[key])
            if raw is None:
                continue
            if key == "rating":
                new = _rating_value(catalog, known[req_id], raw)
                if new is None:
                    problems.append(
                        _("{w}: „{v}“ ist kein Wert der Skala – nicht übernommen.").format(w=row.where, v=raw[:60])
                    )
                    continue
            else:
                new = raw.strip() if key == "responsible" else raw.strip("\n ")
            old = (current.rating or "") if key == "rating" else getattr(current, key)
            base = meta.base.get(req_id, {}).get(key) if meta.base else None
            if new == old:
                unchanged += 1
                continue
            if base is not None and new == base:
                unchanged += 1  # only the app changed it since the export: the file brings nothing new
                continue
            kind = "conflict" if base is not None and old != base else ("new" if not old else "changed")
            show = (lambda v: catalog.scale.label(v) or "") if key == "rating" else (lambda v: v)
            changes.append(FieldChange(req_id, key, old, new, base, kind, show(old), show(new)))
    if assessed:
        notices.append(
            n_(
                "{n} Anforderung hat eine Rückmeldung der Gutachter*innen; sie wird auf der Seite „Rückmeldung“ "
                "eingelesen.",
                "{n} Anforderungen haben eine Rückmeldung der Gutachter*innen; sie werden auf der Seite "
                "„Rückmeldung“ eingelesen.",
                assessed,
            ).format(n=assessed)
        )
    return ImportPreview(changes=tuple(changes), **checklist.preview_fields(unchanged))


def apply_preview(
    evaluation: SelfEvaluation,
    preview: ImportPreview,
    keys: set[tuple[str, str]] | None = None,
    user: str = "",
) -> ApplyResult:
    """Apply the chosen changes (default: all without conflict); a conflict is applied only when chosen.

    Each change goes through the self-evaluation's checks. A field that changed in the store since the
    preview is skipped with a reason, so nothing typed in the app meanwhile is overwritten unseen.
    """
    if preview.cycle_id != evaluation.cycle.id:
        raise InputError(_("Die Vorschau gehört zu einem anderen Zyklus."), "cycle")
    chosen = [c for c in preview.changes if (c.key in keys if keys is not None else c.kind != "conflict")]
    result = ApplyResult()
    for change in chosen:
        current = evaluation.assessment(change.requirement_id)
        now = (current.rating or "") if change.field == "rating" else getattr(current, change.field)
        if now != change.old:
            result.skipped.append((change, _("inzwischen in der App geändert")))
            continue
        try:
            if change.field == "rating":
                evaluation.rate(change.requirement_id, change.new or None, user)
            else:
                evaluation.set_text(change.requirement_id, change.field, change.new, user)
        except InputError as exc:
            result.skipped.append((change, str(exc)))
            continue
        result.applied.append(change)
    return result
