"""A certifier's Excel requirement list turned into a qmkit catalog (YAML), so the official texts can be used.

The list may come in any of the layouts of :mod:`catalog_layouts` (area column, heading rows, level column,
sheet per area, numbered ids); the QMB confirms the guessed layout and which column holds what – in the page
or in a small YAML mapping for the CLI. Scale and procedure come from a shipped model the list belongs to (or
from the list itself when qmkit exported it). The result is validated by the same loader as every catalog
before it is saved: a pure function, workbook in, catalog and the rows not read out. No widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from qmkit.config import standards_dirs
from qmkit.domain.catalog import ID_PATTERN, Catalog, CatalogSet, parse_catalog
from qmkit.domain.text import clean_text
from qmkit.errors import InputError
from qmkit.excel.catalog_layouts import LAYOUT_ROLES, LAYOUTS, read_layout
from qmkit.excel.catalog_mapping import ColumnMapping, load_mapping, mapping_yaml
from qmkit.excel.catalog_sheet import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    ROLES,
    SheetTable,
    guess_columns,
    read_sheet,
    sheet_table,
)
from qmkit.excel.catalog_tree import ROLE_LABELS, Node, TreeBuilder, depth, node_data
from qmkit.i18n import _

__all__ = [
    "HEADER_SEARCH_ROWS", "LAYOUTS", "MAX_ROWS", "REQUIRED_ROLES", "ROLES", "ROLE_LABELS", "CatalogDraft",
    "ColumnMapping", "SheetTable", "build_catalog", "guess_columns", "load_mapping", "mapping_yaml", "read_sheet",
    "save_catalog", "sheet_table", "target_folder",
]  # fmt: skip
REQUIRED_ROLES = ("id", "requirement")
_ID_RE = __import__("re").compile(ID_PATTERN)
# settings a catalog brings besides its tree (kept from an exported list, else lent by the base model)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when installed: ten times faster
SETTING_KEYS = (
    "levels",
    "scale",
    "procedure",
    "pdca_scoring",
    "self_report",
    "internal_audit",
    "process_map",
    "offers_needs",
)
# an exported list brings its catalog's translations back too (a list built on a model never takes the model's:
# they name the model's ids)
EXPORTED_KEYS = (*SETTING_KEYS, "translations")


@dataclass(frozen=True)
class CatalogDraft:
    """The catalog built from a sheet, its YAML text and what was left out (with row numbers)."""

    catalog: Catalog
    yaml_text: str
    problems: tuple[str, ...] = ()

    @property
    def requirement_count(self) -> int:
        return len(self.catalog.requirements())


@dataclass(frozen=True)
class CatalogHead:
    """The new catalog's identity and description, checked."""

    id: str
    name: str
    version: str
    source: str
    description: str


def checked_head(catalog_id: str, name: str, version: str, source: str, catalogs: CatalogSet) -> CatalogHead:
    """Name, version and source of the new catalog, with its id checked against the loaded ones."""
    if catalog_id in catalogs.catalogs:
        raise InputError(
            _("Einen Katalog mit der ID „{id}“ gibt es schon; bitte eine andere ID wählen.").format(id=catalog_id),
            "catalog_id",
        )
    if not _ID_RE.match(catalog_id or ""):
        raise InputError(
            _("Die Katalog-ID darf nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich enthalten."), "catalog_id"
        )
    name = clean_text(name, "name", limit=200, label=_("Name"))
    version = clean_text(version, "version", limit=60, label=_("Version"))
    source = clean_text(source, "source", limit=2000, label=_("Quelle"))
    if not name or not version or not source:
        raise InputError(_("Bitte Name, Version und Quelle des Katalogs angeben."), "name")
    return CatalogHead(catalog_id, name, version, source, "")


def _checked_columns(mapping: ColumnMapping) -> None:
    if mapping.layout not in LAYOUTS:
        raise InputError(_("Bitte den Aufbau der Liste wählen."), "layout")
    missing = [_(ROLE_LABELS[r]) for r in LAYOUT_ROLES[mapping.layout] if r not in mapping.columns]
    if missing:
        raise InputError(_("Bitte eine Spalte wählen für: {roles}.").format(roles=", ".join(missing)), "columns")
    used = [*mapping.columns.values(), *mapping.sublevels]
    if len(set(used)) != len(used):
        raise InputError(_("Eine Spalte ist mehreren Rollen zugeordnet; jede Spalte nur einmal wählen."), "columns")


def settings_from(base: Catalog) -> dict[str, Any]:
    """What a catalog built from a list takes from the model it belongs to."""
    data = base.model_dump(mode="json", include=set(SETTING_KEYS), exclude_defaults=True)
    data["levels"] = list(base.levels)
    return data


def catalog_from_tree(
    nodes: list[Node],
    problems: list[str],
    head: CatalogHead,
    settings: dict[str, Any],
    level_names: Sequence[str] | None,
) -> CatalogDraft:
    """The catalog from a tree read by any layout, validated like a YAML catalog (same errors)."""
    if not nodes:
        raise InputError(_("In den Zeilen unter der Überschrift wurde keine Anforderung gefunden."), "columns")
    levels = list(settings.get("levels") or [_("Qualitätsbereich")])
    tree_depth = depth(nodes)
    if tree_depth > 1 and level_names is not None:  # the base's names fit only its own depth
        names = [n for n in level_names if n] or levels[:1]
        while len(names) < tree_depth:
            names.append(_("Ebene {n}").format(n=len(names) + 1))
        levels = names[:tree_depth]
    data: dict[str, Any] = {"id": head.id, "name": head.name, "version": head.version, "language": "de"}
    data |= {"description": head.description, "source": head.source}
    data |= {k: v for k, v in settings.items() if k in EXPORTED_KEYS} | {"levels": levels}
    data["areas"] = [node_data(n) for n in nodes]
    _keep_translations_of(data)
    header = (
        f"# {head.name} – mit qmkit aus einer Anforderungsliste erzeugt.\n"
        "# Die Anforderungstexte gehören dem Herausgeber: nur im Rahmen seiner Nutzungsbedingungen verwenden.\n"
    )
    text = header + yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=110)
    try:  # the data as the loader would read it from the text; a 2,000-row list is not parsed back
        catalog = Catalog.model_validate(data)
    except ValidationError:
        parse_catalog(text, f"{head.id}.yaml")  # the same errors, with line and key, as a YAML catalog gets
        raise
    return CatalogDraft(catalog, text, tuple(problems))


def build_catalog(
    table: SheetTable,
    mapping: ColumnMapping,
    catalogs: CatalogSet,
    source_name: str,
    tables: Sequence[SheetTable] = (),
    settings: dict[str, Any] | None = None,
) -> CatalogDraft:
    """The catalog from ``table`` (and, for one sheet per area, the other ``tables``) as ``mapping`` says; rows
    that cannot become a requirement are listed. ``settings`` (from a list qmkit exported) replace the base's."""
    _checked_columns(mapping)
    head = checked_head(mapping.catalog_id, mapping.name, mapping.version, mapping.source, catalogs)
    from_file = settings is not None
    if settings is None:
        settings = settings_from(catalogs.get(mapping.base))
        description = _("Aus „{file}“, Blatt „{sheet}“, eingelesen am {day}.").format(
            file=source_name, sheet=table.name, day=date.today().strftime("%d.%m.%Y")
        )
    else:
        description = str(settings.get("description", ""))
    builder = read_layout(mapping.layout, [table, *[t for t in tables if t.name != table.name]], mapping.columns,
                          mapping.sublevels, TreeBuilder())  # fmt: skip
    nodes, problems = builder.tree()
    _describe(nodes, settings.get("descriptions") or {})
    names = [table.headers[i] for i in (mapping.columns.get("area"), *mapping.sublevels) if i is not None]
    head = CatalogHead(head.id, head.name, head.version, head.source, description)
    if from_file:
        return catalog_from_tree(nodes, problems, head, settings, None)  # the exported level names, exactly
    return catalog_from_tree(nodes, problems, head, settings, names if mapping.layout == "column" else [])


def _describe(nodes: list[Node], descriptions: dict[str, str]) -> None:
    for node in nodes:
        if not node.description and descriptions.get(node.id):
            node.description = str(descriptions[node.id])
        _describe(node.children, descriptions)


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


def _keep_translations_of(data: dict[str, Any]) -> None:
    """Translations of rows deleted in the list go with them (an exported list edited in Excel)."""
    ids: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        ids.add(str(node.get("id")))
        for child in (*node.get("groups", ()), *node.get("requirements", ())):
            walk(child)

    for area in data["areas"]:
        walk(area)
    for texts in (data.get("translations") or {}).values():
        if isinstance(texts, dict) and isinstance(texts.get("items"), dict):
            texts["items"] = {k: v for k, v in texts["items"].items() if k in ids}
