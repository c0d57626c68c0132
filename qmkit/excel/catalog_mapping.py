"""The mapping of a requirement list as a small YAML file for ``qmkit catalog import``: the sheet, the header
row, the layout chosen, which column holds what, further level columns and the new catalog's identity.

Written by the page and the CLI (a proposal from the guess), read to repeat the import with a newer list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from qmkit.errors import CatalogError
from qmkit.excel.catalog_layouts import LAYOUT_ROLES, LAYOUTS
from qmkit.excel.catalog_sheet import ROLES, column_index, letter
from qmkit.i18n import _

_LETTER = re.compile(r"[A-Za-z]{1,2}")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (0-based) holds what, the layout and further level columns (column layout), and the new
    catalog's identity; ``base`` lends scale and procedure (unless the file brings its own)."""

    columns: Mapping[str, int]
    catalog_id: str
    name: str
    version: str
    source: str
    base: str
    layout: str = "column"
    sublevels: tuple[int, ...] = field(default=())


def _columns(data: dict[str, Any], source: str, problems: list[str]) -> dict[str, int]:
    columns_raw = data.get("columns") or {}
    columns: dict[str, int] = {}
    if not isinstance(columns_raw, dict):
        problems.append(_("{src}: columns muss Rollen auf Spaltenbuchstaben abbilden").format(src=source))
        columns_raw = {}
    for role, text in columns_raw.items():
        if role not in ROLES:
            problems.append(
                _("{src}: columns.{role}: unbekannte Rolle; erlaubt: {ok}").format(
                    src=source, role=role, ok=", ".join(ROLES)
                )
            )
        elif not isinstance(text, str) or not _LETTER.fullmatch(text):
            problems.append(_("{src}: columns.{role}: Spaltenbuchstabe wie B erwartet").format(src=source, role=role))
        else:
            columns[role] = column_index(text)
    layout = data.get("layout", "column")
    for role in LAYOUT_ROLES.get(layout, ()):
        if role not in columns_raw:
            problems.append(_("{src}: columns.{role} fehlt (Pflicht)").format(src=source, role=role))
    return columns


def load_mapping(text: str, source: str) -> tuple[str | None, int | None, ColumnMapping]:
    """A mapping file: ``sheet``, ``header_row``, ``layout``, ``columns`` (role → column letter), ``sublevels``
    (column letters) and ``catalog``. Returns (sheet, header row, mapping); errors name the file and the key."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(source, [_("{src}: kein gültiges YAML ({err})").format(src=source, err=exc)]) from None
    if not isinstance(data, dict):
        raise CatalogError(source, [_("{src}: erwartet wird eine Zuordnung (Schlüssel: Wert)").format(src=source)])
    problems: list[str] = []
    layout = data.get("layout", "column")
    if layout not in LAYOUTS:
        problems.append(
            _("{src}: layout: unbekannter Aufbau „{v}“; erlaubt: {ok}").format(
                src=source, v=layout, ok=", ".join(LAYOUTS)
            )
        )
    columns = _columns(data, source, problems)
    sublevels_raw = data.get("sublevels") or []
    letters_ok = isinstance(sublevels_raw, list) and all(
        isinstance(x, str) and _LETTER.fullmatch(x) for x in sublevels_raw
    )
    if not letters_ok:
        problems.append(_("{src}: sublevels: Liste von Spaltenbuchstaben wie [C, D] erwartet").format(src=source))
        sublevels_raw = []
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
        str(layout),
        tuple(column_index(x) for x in sublevels_raw),
    )
    sheet = data.get("sheet")
    return (str(sheet) if sheet is not None else None), header_row, mapping


def mapping_yaml(sheet: str, header_row: int, mapping: ColumnMapping) -> str:
    """The mapping as a YAML file for ``qmkit catalog import`` (to repeat the import with a newer list)."""
    data: dict[str, Any] = {"sheet": sheet, "header_row": header_row, "layout": mapping.layout}
    data["columns"] = {role: letter(i) for role, i in mapping.columns.items()}
    if mapping.sublevels:
        data["sublevels"] = [letter(i) for i in mapping.sublevels]
    data["catalog"] = {
        "id": mapping.catalog_id,
        "name": mapping.name,
        "version": mapping.version,
        "source": mapping.source,
        "base": mapping.base,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
