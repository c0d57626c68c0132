"""Any catalog as an editable Excel requirement list, and back: a network edits its shared catalog in Excel.

Sheet "Anforderungen": one row per requirement with its area and levels ("F1.1 – Leitbild und Strategie"), id,
short title, text, guidance, evidence, whether evidence is required and a restricted scale. Sheet
"Katalogdaten": what the list cannot show (scale, procedure, deadlines, descriptions of the levels) as YAML and
how to read the list again; the import takes both, so the list comes back as the same catalog.
Pure functions: catalog in, workbook out; workbook in, settings out.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

from qmkit.domain.catalog import Catalog, Group
from qmkit.excel.catalog_import import EXPORTED_KEYS
from qmkit.excel.catalog_mapping import ColumnMapping
from qmkit.excel.catalog_sheet import column_index, letter
from qmkit.excel.style import FONT_NAME, WRAP_TOP, Column, print_setup, put, table
from qmkit.i18n import _

SETTINGS_SHEET = "Katalogdaten"
SETTINGS_ROW = 4  # the YAML starts here, in column A, in pieces of CHUNK characters (Excel's cell limit)
CHUNK = 30000
MAX_SETTINGS_CHARS = 500_000
TITLE_FONT = Font(name=FONT_NAME, size=12, bold=True)


def _depth(groups: list[Group]) -> int:
    return 1 + max((_depth(g.groups) for g in groups if g.groups), default=0)


def level_headers(catalog: Catalog) -> list[str]:
    """One column header per level (the catalog's level names, unique beside the other headers)."""
    count = _depth(catalog.areas)
    names = list(catalog.levels[:count])
    while len(names) < count:
        names.append(_("Ebene {n}").format(n=len(names) + 1))
    fixed = {h.casefold() for h, _w, _a in _fixed_columns()}
    result: list[str] = []
    for n, name in enumerate(names, start=1):
        if name.casefold() in fixed or name.casefold() in {r.casefold() for r in result}:
            name = _("{name} (Ebene {n})").format(name=name, n=n)
        result.append(name)
    return result


def _fixed_columns() -> list[Column]:
    return [
        (_("ID"), 10, False),
        (_("Kurztitel"), 26, False),
        (_("Anforderung"), 60, False),
        (_("Erläuterung"), 36, False),
        (_("Nachweise"), 28, False),
        (_("Nachweis Pflicht"), 10, False),
        (_("Skala (Werte)"), 14, False),
    ]


def _rows(catalog: Catalog, width: int) -> list[list[Any]]:
    rows: list[list[Any]] = []

    def walk(group: Group, path: list[str]) -> None:
        path = [*path, f"{group.id} – {group.title}"]
        levels = path + [""] * (width - len(path))
        for req in group.requirements:
            rows.append(
                [*levels, req.id, req.title, req.text, req.guidance, "\n".join(req.evidence),
                 _("ja") if req.evidence_required else "", ", ".join(req.scale) if req.scale is not None else ""]
            )  # fmt: skip
        for sub in group.groups:
            walk(sub, path)

    for area in catalog.areas:
        walk(area, [])
    return rows


def settings_of(catalog: Catalog) -> dict[str, Any]:
    """What the requirement list cannot show, and how to read it again (layout, columns, level columns)."""
    width = len(level_headers(catalog))
    data: dict[str, Any] = {"id": catalog.id, "name": catalog.name, "version": catalog.version}
    data |= {"description": catalog.description, "source": catalog.source}
    data |= catalog.model_dump(mode="json", include=set(EXPORTED_KEYS), exclude_defaults=True)
    data["levels"] = list(catalog.levels)
    descriptions: dict[str, str] = {}

    def walk(group: Group) -> None:
        if group.description:
            descriptions[group.id] = group.description
        for sub in group.groups:
            walk(sub)

    for area in catalog.areas:
        walk(area)
    if descriptions:
        data["descriptions"] = descriptions
    roles = ("id", "title", "requirement", "guidance", "evidence", "evidence_required", "scale")
    data["import"] = {
        "layout": "column",
        "columns": {"area": "A", **{role: letter(width + i) for i, role in enumerate(roles)}},
        "sublevels": [letter(i) for i in range(1, width)],
    }
    return data


def catalog_workbook(catalog: Catalog) -> Workbook:
    """The catalog as an editable requirement list (see the module text)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Anforderungen")
    levels = level_headers(catalog)
    columns: list[Column] = [*((name, 24, False) for name in levels), *_fixed_columns()]
    table(ws, columns, _rows(catalog, len(levels)), _("Der Katalog enthält keine Anforderungen."))
    print_setup(ws, catalog.title, _("Anforderungsliste"))
    info = wb.create_sheet(SETTINGS_SHEET)
    put(info, 1, 1, _("Katalogdaten von „{name}“").format(name=catalog.title)).font = TITLE_FONT
    note = _(
        "Skala, Verfahren, Fristen und Beschreibungen der Ebenen (YAML). Beim erneuten Einlesen der Liste "
        "übernimmt qmkit sie von hier; Anforderungen bitte im Blatt „Anforderungen“ bearbeiten."
    )
    put(info, 2, 1, note).alignment = WRAP_TOP
    text = yaml.safe_dump(settings_of(catalog), allow_unicode=True, sort_keys=False, width=110)
    for i in range(0, len(text), CHUNK):
        put(info, SETTINGS_ROW + i // CHUNK, 1, text[i : i + CHUNK]).alignment = WRAP_TOP
    info.column_dimensions["A"].width = 120
    return wb


def read_settings(wb: Any) -> dict[str, Any] | None:
    """The settings an exported list carries (None for any other workbook, or when they cannot be read)."""
    if SETTINGS_SHEET not in wb.sheetnames:
        return None
    ws = wb[SETTINGS_SHEET]
    parts: list[str] = []
    for (value,) in ws.iter_rows(min_row=SETTINGS_ROW, max_row=SETTINGS_ROW + 20, max_col=1, values_only=True):
        if isinstance(value, str):
            parts.append(value)
    text = "".join(parts)
    if not text or len(text) > MAX_SETTINGS_CHARS:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def exported_mapping(settings: dict[str, Any], base: str = "") -> ColumnMapping | None:
    """The mapping an exported list states for itself (None when it states none)."""
    spec = settings.get("import")
    if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
        return None
    letters = re.compile(r"[A-Z]{1,2}")
    columns = {str(r): column_index(v) for r, v in spec["columns"].items() if isinstance(v, str) and letters.match(v)}
    sublevels = tuple(column_index(v) for v in spec.get("sublevels") or [] if isinstance(v, str) and letters.match(v))
    return ColumnMapping(
        columns,
        str(settings.get("id", "")),
        str(settings.get("name", "")),
        str(settings.get("version", "")),
        str(settings.get("source", "")),
        base,
        str(spec.get("layout", "column")),
        sublevels,
    )
