"""A certifier's Excel requirement list turned into a qmkit catalog (YAML), so the official texts can be used.

The QMB says which column holds the id, the area, the requirement and (optionally) title, guidance and
evidence – in the page or in a small YAML mapping for the CLI. Scale and procedure come from a shipped model
the list belongs to. The result is validated by the same loader as every catalog before it is saved.
No widgets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from qmkit.config import standards_dirs
from qmkit.domain.catalog import ID_PATTERN, Catalog, CatalogSet, parse_catalog
from qmkit.domain.text import clean_text
from qmkit.errors import CatalogError, InputError
from qmkit.excel.reading import cell_text, open_workbook
from qmkit.i18n import N_, _

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 20
ROLES = ("id", "area", "requirement", "title", "guidance", "evidence")
REQUIRED_ROLES = ("id", "area", "requirement")
ROLE_LABELS = {
    "id": N_("ID / Nummer"),
    "area": N_("Bereich"),
    "requirement": N_("Anforderung (Text)"),
    "title": N_("Kurztitel"),
    "guidance": N_("Erläuterung / Hinweis"),
    "evidence": N_("Nachweise"),
}
# Header words that suggest a column's role (lower case, the first match wins).
HINTS = {
    "id": ("id", "nr", "nr.", "nummer", "kennung", "kürzel", "code"),
    "area": ("bereich", "qualitätsbereich", "kapitel", "handlungsfeld", "kriterium"),
    "requirement": ("anforderung", "standard", "mindestanforderung", "text", "beschreibung", "kriterientext"),
    "title": ("titel", "kurztitel", "überschrift", "thema"),
    "guidance": ("hinweis", "erläuterung", "erläuterungen", "anmerkung", "leitfrage"),
    "evidence": ("nachweis", "nachweise", "nachweismöglichkeiten", "belege", "dokumente"),
}
_ID_RE = re.compile(ID_PATTERN)
_AREA_ID = re.compile(r"^\s*([A-Za-z]{0,4}\s?\d{1,3}[a-z]?)[\s.:)–-]+(.+)$", re.S)


@dataclass(frozen=True)
class SheetTable:
    """One sheet as read: its header row (number and texts) and the data rows below it, as text."""

    name: str
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells)

    def column_choices(self) -> list[tuple[str, int]]:
        """('B – Anforderung', 1) for each column that has a header or data."""
        return [(f"{_letter(i)} – {h or '(ohne Überschrift)'}", i) for i, h in enumerate(self.headers)]


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (0-based) holds what, and the new catalog's identity; ``base`` lends scale and procedure."""

    columns: Mapping[str, int]
    catalog_id: str
    name: str
    version: str
    source: str
    base: str


@dataclass(frozen=True)
class CatalogDraft:
    """The catalog built from a sheet, its YAML text and what was left out (with row numbers)."""

    catalog: Catalog
    yaml_text: str
    problems: tuple[str, ...] = ()

    @property
    def requirement_count(self) -> int:
        return len(self.catalog.requirements())


@dataclass
class _Area:
    id: str
    title: str
    requirements: list[dict[str, Any]] = field(default_factory=list)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(content: bytes, name: str, sheet: str | None = None, header_row: int | None = None) -> SheetTable:
    """Read one sheet of the file (after the checklist import's file checks); see :func:`sheet_table`."""
    return sheet_table(open_workbook(content, name), name, sheet, header_row)


def sheet_table(wb: Any, name: str, sheet: str | None = None, header_row: int | None = None) -> SheetTable:
    """One sheet of an opened workbook: the header row (given, or the first row with two or more texts) and
    the rows below it (at most :data:`MAX_ROWS`, so a far-away dimension costs nothing)."""
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
        raise InputError(_("Das Blatt „{s}“ gibt es in „{n}“ nicht.").format(s=sheet, n=name), "sheet")
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, values in enumerate(ws.iter_rows(max_row=MAX_ROWS + HEADER_SEARCH_ROWS, values_only=True), start=1):
        cells = tuple(cell_text(v).strip() for v in values[:40])
        if any(cells):
            rows.append((number, cells))
    if not rows:
        raise InputError(_("Das Blatt „{s}“ ist leer.").format(s=ws.title), "sheet")
    if header_row is None:
        header_row = next(
            (n for n, cells in rows[:HEADER_SEARCH_ROWS] if sum(1 for c in cells if c and not c[:1].isdigit()) >= 2),
            rows[0][0],
        )
    header = next((cells for n, cells in rows if n == header_row), None)
    if header is None:
        raise InputError(_("Zeile {n} ist leer; bitte die Zeile mit den Überschriften angeben.").format(n=header_row))
    width = max(len(cells) for _n, cells in rows)
    pad = lambda cells: cells + ("",) * (width - len(cells))  # noqa: E731
    body = tuple((n, pad(cells)) for n, cells in rows if n > header_row)
    return SheetTable(ws.title, header_row, pad(header), body)


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


def _title_from(text: str, limit: int = 80) -> str:
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) <= limit:
        return first.rstrip(".")
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _safe_id(raw: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", raw.strip())[:64].strip("_.-")


def _checked_head(mapping: ColumnMapping, catalogs: CatalogSet) -> tuple[str, str, str]:
    """Name, version and source of the new catalog; the column roles and the id are checked first."""
    missing = [ROLE_LABELS[r] for r in REQUIRED_ROLES if r not in mapping.columns]
    if missing:
        raise InputError(_("Bitte eine Spalte wählen für: {roles}.").format(roles=", ".join(missing)), "columns")
    used = [i for i in mapping.columns.values()]
    if len(set(used)) != len(used):
        raise InputError(_("Eine Spalte ist mehreren Rollen zugeordnet; jede Spalte nur einmal wählen."), "columns")
    if mapping.catalog_id in catalogs.catalogs:
        raise InputError(
            _("Einen Katalog mit der ID „{id}“ gibt es schon; bitte eine andere ID wählen.").format(
                id=mapping.catalog_id
            ),
            "catalog_id",
        )
    if not _ID_RE.match(mapping.catalog_id or ""):
        raise InputError(
            _("Die Katalog-ID darf nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich enthalten."), "catalog_id"
        )
    name = clean_text(mapping.name, "name", limit=200, label=N_("Name"))
    version = clean_text(mapping.version, "version", limit=60, label=N_("Version"))
    source = clean_text(mapping.source, "source", limit=500, label=N_("Quelle"))
    if not name or not version or not source:
        raise InputError(_("Bitte Name, Version und Quelle des Katalogs angeben."), "name")
    return name, version, source


def _row_problem(number: int, raw: dict[str, str], seen: dict[str, int]) -> str | None:
    """Why row ``number`` cannot become a requirement ('' for an area heading row, None when it can)."""
    formula = next((role for role, text in raw.items() if text.startswith("=")), None)
    if formula:
        return _("Zeile {n}: „{col}“ enthält eine Formel – nicht übernommen.").format(
            n=number, col=_(ROLE_LABELS[formula])
        )
    req_id = _safe_id(raw["id"])
    if not req_id or not raw["requirement"]:
        if raw["area"] and not raw["id"] and not raw["requirement"]:
            return ""  # an area heading row
        return _("Zeile {n}: ID oder Anforderungstext fehlt – nicht übernommen.").format(n=number)
    if req_id in seen:
        return _("Zeile {n}: ID „{id}“ kam schon in Zeile {m} vor – nicht übernommen.").format(
            n=number, id=req_id, m=seen[req_id]
        )
    if not raw["area"]:
        return _("Zeile {n}: Bereich fehlt – nicht übernommen.").format(n=number)
    return None


def _requirement(req_id: str, raw: dict[str, str]) -> dict[str, Any]:
    text = raw["requirement"]
    requirement: dict[str, Any] = {"id": req_id, "title": (raw.get("title") or _title_from(text))[:200], "text": text}
    if raw.get("guidance"):
        requirement["guidance"] = raw["guidance"]
    if raw.get("evidence"):
        parts = [p.strip(" -•\t") for p in re.split(r"[\n;]", raw["evidence"])]
        requirement["evidence"] = [p[:200] for p in parts if p]
    return requirement


def _read_areas(table: SheetTable, columns: Mapping[str, int]) -> tuple[list[_Area], list[str]]:
    """The areas with their requirements, row by row; rows left out are listed with their number."""
    problems: list[str] = []
    areas: dict[str, _Area] = {}
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        raw = {role: cells[i] if i < len(cells) else "" for role, i in columns.items()}
        if not any(raw.values()):
            continue
        problem = _row_problem(number, raw, seen)
        if problem is not None:
            if problem:
                problems.append(problem)
            continue
        req_id, area_text = _safe_id(raw["id"]), raw["area"]
        seen[req_id] = number
        match = _AREA_ID.match(area_text)
        area_id = _safe_id(match.group(1).replace(" ", "")) if match else ""
        area_title = match.group(2).strip() if match else area_text
        key = area_text.casefold()
        if key not in areas:
            areas[key] = _Area(area_id or f"B{len(areas) + 1}", area_title[:200] or area_text[:200])
        areas[key].requirements.append(_requirement(req_id, raw))
    if not areas:
        raise InputError(_("In den Zeilen unter der Überschrift wurde keine Anforderung gefunden."), "columns")
    taken = set(seen)
    for number, area in enumerate(areas.values(), start=1):  # area ids must not clash with each other or ids
        if area.id in taken:
            area.id = next(c for c in (f"B{number}", f"Bereich{number}", f"Bereich_{number}_x") if c not in taken)
        taken.add(area.id)
    return list(areas.values()), problems


def build_catalog(table: SheetTable, mapping: ColumnMapping, catalogs: CatalogSet, source_name: str) -> CatalogDraft:
    """The catalog from ``table`` as ``mapping`` says; rows that cannot become a requirement are listed."""
    name, version, source = _checked_head(mapping, catalogs)
    base = catalogs.get(mapping.base)
    areas, problems = _read_areas(table, mapping.columns)
    data = {
        "id": mapping.catalog_id,
        "name": name,
        "version": version,
        "language": "de",
        "description": _("Aus „{file}“, Blatt „{sheet}“, eingelesen am {day}.").format(
            file=source_name, sheet=table.name, day=date.today().strftime("%d.%m.%Y")
        ),
        "source": source,
        "levels": list(base.levels),
        "scale": base.scale.model_dump(exclude_defaults=True),
        "procedure": base.procedure.model_dump(exclude_defaults=True),
        "areas": [{"id": a.id, "title": a.title, "requirements": a.requirements} for a in areas],
    }
    if base.pdca_scoring is not None:
        data["pdca_scoring"] = base.pdca_scoring.model_dump()
    header = (
        f"# {name} – mit qmkit aus einer Excel-Anforderungsliste erzeugt ({source_name}).\n"
        "# Die Anforderungstexte gehören dem Zertifizierer: nur im Rahmen seiner Nutzungsbedingungen verwenden.\n"
    )
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    catalog = parse_catalog(text, f"{mapping.catalog_id}.yaml")
    return CatalogDraft(catalog, text, tuple(problems))


def target_folder() -> Path:
    """Where an imported catalog is saved: the first ``$QMKIT_STANDARDS`` folder, else ``standards/``."""
    dirs = standards_dirs()
    return dirs[1] if len(dirs) > 1 else dirs[0]


def save_catalog(draft: CatalogDraft, folder: Path | None = None, replace_file: bool = False) -> Path:
    """Write the draft as ``<id>.yaml``; an existing file is replaced only when asked."""
    folder = folder or target_folder()
    path = folder / f"{draft.catalog.id}.yaml"
    if path.exists() and not replace_file:
        text = _("„{path}“ gibt es schon. Bitte eine andere ID wählen oder „ersetzen“ wählen (CLI: --replace).")
        raise InputError(text.format(path=path), "catalog_id")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".yaml.part")
        part.write_text(draft.yaml_text, encoding="utf-8")
        part.replace(path)
    except OSError as exc:
        raise InputError(
            _("Der Katalog kann nicht gespeichert werden ({path}): {err}").format(path=path, err=exc.strerror),
            "folder",
        ) from None
    return path


# ---------------------------------------------------------------------------------------------- YAML mapping


def load_mapping(text: str, source: str) -> tuple[str | None, int | None, ColumnMapping]:
    """A mapping file: ``sheet``, ``header_row``, ``columns`` (role → column letter) and ``catalog``.

    Returns (sheet, header row, mapping); errors name the file and the key.
    """
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(source, [_("{src}: kein gültiges YAML ({err})").format(src=source, err=exc)]) from None
    if not isinstance(data, dict):
        raise CatalogError(source, [_("{src}: erwartet wird eine Zuordnung (Schlüssel: Wert)").format(src=source)])
    problems = []
    columns_raw = data.get("columns") or {}
    columns: dict[str, int] = {}
    if not isinstance(columns_raw, dict):
        problems.append(_("{src}: columns muss Rollen auf Spaltenbuchstaben abbilden").format(src=source))
        columns_raw = {}
    for role, letter in columns_raw.items():
        if role not in ROLES:
            problems.append(
                _("{src}: columns.{role}: unbekannte Rolle; erlaubt: {ok}").format(
                    src=source, role=role, ok=", ".join(ROLES)
                )
            )
        elif not isinstance(letter, str) or not re.fullmatch(r"[A-Za-z]{1,2}", letter):
            problems.append(_("{src}: columns.{role}: Spaltenbuchstabe wie B erwartet").format(src=source, role=role))
        else:
            number = 0
            for ch in letter.upper():
                number = number * 26 + ord(ch) - 64
            columns[role] = number - 1
    for role in REQUIRED_ROLES:
        if role not in columns_raw:
            problems.append(_("{src}: columns.{role} fehlt (Pflicht)").format(src=source, role=role))
    meta = data.get("catalog") or {}
    if not isinstance(meta, dict):
        meta = {}
    for key in ("id", "name", "version", "source", "base"):
        if not str(meta.get(key, "")).strip():
            problems.append(_("{src}: catalog.{key} fehlt (Pflicht)").format(src=source, key=key))
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or not 1 <= header_row <= 1000):
        problems.append(_("{src}: header_row muss eine Zeilennummer sein").format(src=source))
    if problems:
        raise CatalogError(source, problems)
    mapping = ColumnMapping(
        columns,
        str(meta["id"]).strip(),
        str(meta["name"]),
        str(meta["version"]),
        str(meta["source"]),
        str(meta["base"]).strip(),
    )
    sheet = data.get("sheet")
    return (str(sheet) if sheet is not None else None), header_row, mapping


def mapping_yaml(sheet: str, header_row: int, mapping: ColumnMapping) -> str:
    """The mapping as a YAML file for ``qmkit catalog import`` (to repeat the import with a newer list)."""
    data = {
        "sheet": sheet,
        "header_row": header_row,
        "columns": {role: _letter(i) for role, i in mapping.columns.items()},
        "catalog": {
            "id": mapping.catalog_id,
            "name": mapping.name,
            "version": mapping.version,
            "source": mapping.source,
            "base": mapping.base,
        },
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
