"""The layouts requirement lists come in, recognised and read into a tree (see :mod:`catalog_tree`).

- ``column``: every row names its area in a column (further level columns may follow);
- ``headings``: areas and levels are rows of their own (a title but no requirement text, bold or merged);
- ``depth``: a level/depth column says how deep each row sits (1 = area); rows above deeper ones are headings;
- ``sheets``: one sheet per area (the sheet's name or a title cell above the header);
- ``numbered``: the id says it (1.2.3 belongs to area 1 and level 1.2).

The guess is a suggestion; the QMB can choose another layout or column. No widgets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from qmkit.domain.catalog import ID_PATTERN
from qmkit.excel.catalog_sheet import SheetTable, guess_columns
from qmkit.excel.catalog_tree import NUMBERED_ID, TreeBuilder, safe_id, split_title
from qmkit.i18n import N_, _

LAYOUTS = {
    "column": N_("Bereich in einer Spalte"),
    "headings": N_("Bereiche als Überschriftszeilen"),
    "depth": N_("Spalte mit der Gliederungsebene"),
    "sheets": N_("Ein Blatt je Bereich"),
    "numbered": N_("Bereiche aus der Nummerierung (1.2.3)"),
    "library": N_("Bibliothek von CISO Assistant"),
}
# the columns a layout cannot do without
LAYOUT_ROLES = {
    "column": ("id", "area", "requirement"),
    "headings": ("id", "requirement"),
    "depth": ("id", "level", "requirement"),
    "sheets": ("id", "requirement"),
    "numbered": ("id", "requirement"),
    "library": (),
}

Row = tuple[int, tuple[str, ...]]
ID_RE = re.compile(ID_PATTERN)


def _raw(cells: tuple[str, ...], columns: Mapping[str, int]) -> dict[str, str]:
    return {role: cells[i] if i < len(cells) else "" for role, i in columns.items()}


def _depth(text: str) -> int | None:
    try:
        value = int(float(text.replace(",", ".")))
    except ValueError:
        return None
    return value if 1 <= value <= 20 else None


def _heading(cells: tuple[str, ...], raw: dict[str, str]) -> tuple[str, str]:
    """(id, title) of a heading row: its id cell and its title, text or first other cell; a heading written
    into the id column ("Qualitätsbereich 2 – Personal") is split into number and title."""
    id_cell = raw.get("id", "")
    text = raw.get("title") or raw.get("requirement") or next((c for c in cells if c and c != id_cell), "")
    if id_cell and text and ID_RE.match(id_cell):
        return id_cell, text
    return split_title(text or id_cell)


def similar_sheets(tables: Sequence[SheetTable], first: SheetTable) -> list[SheetTable]:
    """The sheets laid out like ``first`` (same columns for id and text): the areas of a sheet-per-area list."""
    want = guess_columns(first)
    keys = ("id", "requirement")
    return [t for t in tables if all(guess_columns(t).get(k) == want.get(k) for k in keys) and t.rows]


def _heading_rows(table: SheetTable, columns: Mapping[str, int]) -> set[int]:
    """Rows that are headings by their look: no requirement text, merged across columns, or bold where most
    requirement rows are not."""
    merged = table.merged_rows
    headings, bold_rows, texts = set(), 0, 0
    for number, cells in table.rows:
        raw = _raw(cells, columns)
        only_id = NUMBERED_ID.match(raw.get("id", "")) and not any(c for c in cells if c != raw["id"])  # no text
        if (not raw.get("requirement") and not only_id) or number in merged:
            headings.add(number)
        elif number in table.bold:
            bold_rows += 1
        if raw.get("requirement"):
            texts += 1
    if bold_rows and bold_rows * 2 < texts:
        headings |= {n for n, _c in table.rows if n in table.bold}
    return headings


def guess_layout(table: SheetTable, columns: Mapping[str, int], tables: Sequence[SheetTable] = ()) -> str:
    """The layout this list most likely has (the QMB confirms or corrects it)."""
    if "level" in columns and sum(_depth(c[columns["level"]]) is not None for _n, c in table.rows) * 2 > len(
        table.rows
    ):
        return "depth"
    with_text = [_raw(c, columns) for _n, c in table.rows if _raw(c, columns).get("requirement")]
    if "area" in columns and with_text and sum(bool(r.get("area")) for r in with_text) * 2 > len(with_text):
        return "column"
    if len(similar_sheets(tables, table)) > 1:
        return "sheets"
    if (
        with_text
        and len(_heading_rows(table, columns)) >= 1
        and any(
            not _raw(c, columns).get("requirement") or n in table.merged_rows or n in table.bold for n, c in table.rows
        )
    ):
        return "headings"
    numbered = [r for r in with_text if NUMBERED_ID.match(r.get("id", "")) and "." in r.get("id", "")]
    if with_text and len(numbered) * 2 > len(with_text):
        return "numbered"
    return "column" if "area" in columns else "headings"


def read_layout(
    layout: str,
    tables: Sequence[SheetTable],
    columns: Mapping[str, int],
    sublevels: Sequence[int] = (),
    builder: TreeBuilder | None = None,
) -> TreeBuilder:
    """Feed the rows of ``tables`` (the first only, except for ``sheets``) into a tree builder as ``layout``
    says; notes on merged cells and rows not read are the builder's problems."""
    builder = builder or TreeBuilder()
    first = tables[0]
    chosen = similar_sheets(tables, first) if layout == "sheets" else [first]
    for table in chosen:
        builder.problems.extend(table.notes)
        merged = table.merged_rows
        if layout == "column":
            _column(builder, table.rows, columns, sublevels)
        elif layout == "depth":
            _depth_rows(builder, table.rows, columns)
        elif layout == "numbered":
            _numbered(builder, table.rows, columns)
        else:
            offset = 0
            if layout == "sheets":
                area_id, area_title = split_title(table.title or table.name)
                builder.heading(1, area_id, area_title, table.header_row)
                offset = 1
            _headings(builder, table, columns, offset)
        for number, _cells in table.rows:
            if number in merged and layout in ("column", "depth", "numbered"):
                builder.problems.append(
                    _("Zeile {n}: verbundene Zellen {ref} – nur der erste Wert wurde gelesen.").format(
                        n=number, ref=merged[number]
                    )
                )
    return builder


def _column(builder: TreeBuilder, rows: Sequence[Row], columns: Mapping[str, int], sublevels: Sequence[int]) -> None:
    for number, cells in rows:
        raw = _raw(cells, columns)
        levels = [raw.get("area", "")] + [cells[i] if i < len(cells) else "" for i in sublevels]
        if not any(raw.values()) and not any(levels):
            continue
        if not raw.get("id") and not raw.get("requirement"):
            if not any(levels):
                builder.problems.append(
                    _("Zeile {n}: ID oder Anforderungstext fehlt – nicht übernommen.").format(n=number)
                )
            continue  # an area heading row: the area comes with its requirements
        if not levels[0] and raw.get("id") and raw.get("requirement"):
            builder.problems.append(_("Zeile {n}: Bereich fehlt – nicht übernommen.").format(n=number))
            continue
        builder.stack.clear()
        for level, text in enumerate(levels, start=1):
            if not text:
                break
            node_id, title = split_title(text, dashed=True)
            builder.heading(level, node_id, title, number)
        builder.requirement(number, raw)


def _depth_rows(builder: TreeBuilder, rows: Sequence[Row], columns: Mapping[str, int]) -> None:
    col = columns["level"]
    levels = [_depth(cells[col]) if col < len(cells) else None for _n, cells in rows]
    following: list[int] = [0] * len(rows)  # the depth of the next row that has one
    for index in range(len(rows) - 2, -1, -1):
        following[index] = levels[index + 1] or following[index + 1]
    for index, (number, cells) in enumerate(rows):
        raw = _raw(cells, columns)
        level = levels[index]
        if level is not None and (not raw.get("requirement") or following[index] > level):
            title = raw.get("title") or raw.get("requirement") or raw.get("id", "")
            description = raw.get("requirement", "") if raw.get("title") else ""
            builder.heading(level, raw.get("id", ""), title, number, description)
        elif raw.get("requirement") or raw.get("id"):
            if level is not None:  # a requirement sits in the level above its own depth
                del builder.stack[max(1, level - 1) :]
            builder.requirement(number, raw)
        elif any(cells):
            builder.problems.append(_("Zeile {n}: weder Ebene noch Anforderung – nicht übernommen.").format(n=number))


def _headings(builder: TreeBuilder, table: SheetTable, columns: Mapping[str, int], offset: int) -> None:
    headings = _heading_rows(table, columns)
    found: list[tuple[int, str, str, tuple[bool, bool, int]]] = []
    for number, cells in table.rows:
        if number in headings:
            node_id, title = _heading(cells, _raw(cells, columns))
            column = next(i for i, c in enumerate(cells) if c)
            found.append((number, node_id, title, (number in table.merged_rows, number in table.bold, column)))
    numbered = bool(found) and all(NUMBERED_ID.match(node_id) for _n, node_id, _t, _l in found)
    looks: list[tuple[bool, bool, int]] = []
    for _n, _i, _t, look in found:
        if look not in looks:
            looks.append(look)
    level_of = {
        n: (node_id.count(".") + 1 if numbered else looks.index(look) + 1) + offset for n, node_id, _t, look in found
    }
    titles = {n: (node_id, title) for n, node_id, title, _l in found}
    for number, cells in table.rows:
        if number in titles:
            node_id, title = titles[number]
            builder.heading(level_of[number], node_id, title, number)
        else:
            builder.requirement(number, _raw(cells, columns))


def _numbered(builder: TreeBuilder, rows: Sequence[Row], columns: Mapping[str, int]) -> None:
    titles: dict[str, tuple[str, int]] = {}
    ids = [safe_id(_raw(c, columns).get("id", "")) for _n, c in rows]
    prefixes = {".".join(i.split(".")[:k]).casefold() for i in ids for k in range(1, i.count(".") + 1)}
    parents: set[int] = set()  # rows whose id numbers others ("1 Leitung" above "1.1 …"): headings
    for (number, cells), row_id in zip(rows, ids, strict=True):
        raw = _raw(cells, columns)
        if raw.get("requirement") and row_id.casefold() not in prefixes:
            continue
        parents.add(number)
        node_id, text = _heading(cells, raw)
        if node_id:
            titles[node_id.casefold()] = (text if text != node_id else "", number)
        elif any(cells):
            builder.problems.append(_("Zeile {n}: Überschrift ohne Nummer – nicht zugeordnet.").format(n=number))
    for number, cells in rows:
        raw = _raw(cells, columns)
        if number in parents:
            continue
        parts = safe_id(raw.get("id", "")).split(".")
        if not parts[0]:
            builder.requirement(number, raw)  # listed: the id is missing
            continue
        if len(parts) < 2:
            builder.problems.append(
                _("Zeile {n}: aus der ID „{id}“ folgt kein Bereich – nicht übernommen.").format(
                    n=number, id=raw.get("id", "")
                )
            )
            continue
        builder.stack.clear()
        for level in range(1, len(parts)):
            prefix = ".".join(parts[:level])
            title, row = titles.get(prefix.casefold(), ("", number))
            fallback = _("Bereich {id}").format(id=prefix) if level == 1 else prefix
            builder.heading(level, prefix, title or fallback, row)
        builder.requirement(number, raw)
