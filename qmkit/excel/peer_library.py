"""Framework libraries of CISO Assistant (intuitem) as qmkit catalogs, from their YAML or their Excel form.

A library holds one framework whose ``requirement_nodes`` form a tree (``parent_urn`` / ``depth``); the nodes
that are not assessable become areas and levels, the assessable ones requirements, ``typical_evidence`` the
suggested evidence and ``annotation`` the guidance. The library's copyright and provider go into the catalog's
source. The Excel form has a ``library_meta`` sheet (key, value), a ``…_meta`` sheet of type ``framework`` and
its ``…_content`` sheet (assessable, depth, ref_id, name, description, typical_evidence, annotation …).
Pure functions; nothing is fetched. No widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from qmkit.domain.catalog import CatalogSet
from qmkit.domain.yaml_data import MAX_DATA_BYTES
from qmkit.errors import InputError
from qmkit.excel.catalog_import import CatalogDraft, CatalogHead, catalog_from_tree, checked_head, settings_from
from qmkit.excel.catalog_mapping import ColumnMapping
from qmkit.excel.catalog_tree import TRUE_WORDS, TreeBuilder, safe_id
from qmkit.excel.reading import cell_text
from qmkit.i18n import _

NODE_KEYS = ("ref_id", "name", "description", "typical_evidence", "annotation")


@dataclass(frozen=True)
class Library:
    """A peer library as read: its description (``library_meta``), its framework and the framework's nodes in
    order, each with the line or row it came from (``row``)."""

    meta: dict[str, str]
    framework: dict[str, str]
    nodes: tuple[dict[str, Any], ...]

    def default_mapping(self, base: str) -> ColumnMapping:
        """The catalog's identity as the library states it (the QMB may change it before saving)."""
        name = self.framework.get("name") or self.meta.get("name", "")
        catalog_id = safe_id(self.meta.get("ref_id") or self.framework.get("ref_id") or "bibliothek").lower()
        return ColumnMapping({}, catalog_id[:64], name[:200], self.meta.get("version", "1") or "1", self.source(),
                             base, "library")  # fmt: skip

    def source(self) -> str:
        """Provider, title, copyright/licence and where the library comes from, for the catalog's source."""
        meta = self.meta
        parts = [meta.get("provider", ""), meta.get("name") or self.framework.get("name", "")]
        text = " – ".join(p for p in parts if p)
        if meta.get("copyright"):
            text += ". " + _("Urheberrecht/Lizenz: {c}").format(c=meta["copyright"])
        text += ". " + _("Bibliothek von CISO Assistant ({packager}), {urn}, Version {v}.").format(
            packager=meta.get("packager") or "intuitem", urn=meta.get("urn", ""), v=meta.get("version", "")
        )
        return text.strip()


def is_library_workbook(wb: Any) -> bool:
    return "library_meta" in wb.sheetnames


def _text(value: Any) -> str:
    return cell_text(value).strip() if not isinstance(value, str) else value.strip()


def _german(node: dict[str, Any], locale: str) -> dict[str, Any]:
    """A node in German where the library carries a German translation and is not German itself."""
    translations = node.get("translations")
    if locale.startswith("de") or not isinstance(translations, dict) or not isinstance(translations.get("de"), dict):
        return node
    return node | {k: v for k, v in translations["de"].items() if k in NODE_KEYS and v}


def _yaml_lines(text: str) -> list[int]:
    """The line of each requirement node in the YAML text (for the list of what was not read)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    node: Any = root
    for key in ("objects", "framework", "requirement_nodes"):
        if not isinstance(node, yaml.MappingNode):
            return []
        node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    return [item.start_mark.line + 1 for item in node.value] if isinstance(node, yaml.SequenceNode) else []


def library_from_yaml(text: str, name: str) -> Library:
    """A CISO Assistant library file (YAML) read, or a German :class:`InputError` naming the problem."""
    if len(text.encode("utf-8")) > MAX_DATA_BYTES:
        raise InputError(_("„{name}“ ist zu groß für eine Bibliothek.").format(name=name), "file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(_("„{name}“ ist kein gültiges YAML ({err}).").format(name=name, err=exc), "file") from None
    objects = data.get("objects") if isinstance(data, dict) else None
    framework = objects.get("framework") if isinstance(objects, dict) else None
    if isinstance(framework, list):
        framework = framework[0] if framework else None
    if not isinstance(framework, dict) or not isinstance(framework.get("requirement_nodes"), list):
        raise InputError(
            _("„{name}“ ist keine Bibliothek mit einem Rahmenwerk (objects → framework → requirement_nodes).").format(
                name=name
            ),
            "file",
        )
    assert isinstance(data, dict)
    locale = str(data.get("locale", ""))
    lines = _yaml_lines(text)
    nodes = []
    for index, raw in enumerate(framework["requirement_nodes"]):
        if isinstance(raw, dict):
            node = _german(raw, locale)
            nodes.append({k: node.get(k) for k in ("urn", "parent_urn", "depth", "assessable", *NODE_KEYS)})
            nodes[-1]["row"] = lines[index] if index < len(lines) else index + 1
    meta = {k: _text(data.get(k, "")) for k in ("urn", "ref_id", "name", "description", "copyright", "provider",
                                                 "packager", "version", "locale")}  # fmt: skip
    head = {k: _text(framework.get(k, "")) for k in ("ref_id", "name", "description")}
    return Library(meta, head, tuple(nodes))


def _key_values(ws: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in ws.iter_rows(max_row=200, max_col=2, values_only=True):
        if row and row[0] is not None:
            found[_text(row[0]).casefold()] = _text(row[1] if len(row) > 1 else "")
    return found


def library_from_workbook(wb: Any, name: str) -> Library:
    """A CISO Assistant library in its Excel form (``library_meta``, a framework ``_meta`` and ``_content``)."""
    meta = _key_values(wb["library_meta"])
    framework: dict[str, str] = {}
    content = None
    for sheet in wb.sheetnames:
        if sheet.endswith("_meta") and sheet != "library_meta":
            values = _key_values(wb[sheet])
            prefix = sheet[: -len("_meta")]
            if values.get("type") == "framework" and f"{prefix}_content" in wb.sheetnames:
                framework, content = values, wb[f"{prefix}_content"]
                break
    if content is None:
        raise InputError(
            _("„{name}“ hat kein Rahmenwerk (ein Blatt …_meta mit type framework und sein Blatt …_content).").format(
                name=name
            ),
            "file",
        )
    locale = meta.get("locale", "")
    rows = content.iter_rows(max_row=20000, max_col=60, values_only=True)
    header = [_text(h).casefold() for h in next(rows, ())]
    german = {k: header.index(f"{k}[de]") for k in NODE_KEYS if f"{k}[de]" in header and not locale.startswith("de")}
    index = {k: header.index(k) for k in ("assessable", "depth", *NODE_KEYS) if k in header} | german
    if "depth" not in index:
        raise InputError(_("„{name}“: dem Blatt {s} fehlt die Spalte depth.").format(name=name, s=content.title))
    nodes = []
    for number, row in enumerate(rows, start=2):
        cells = {k: _text(row[i]) if i < len(row) else "" for k, i in index.items()}
        if any(cells.values()):
            nodes.append(cells | {"row": number})
    head = {k: framework.get(k, "") for k in ("ref_id", "name", "description")}
    return Library(meta, head, tuple(nodes))


def _depths(nodes: tuple[dict[str, Any], ...]) -> list[int]:
    """Each node's depth: as stated, else one below its parent (``parent_urn``), else 1."""
    by_urn: dict[str, int] = {}
    result = []
    for node in nodes:
        try:
            level = int(float(str(node.get("depth") or "")))
        except ValueError:
            parent = str(node.get("parent_urn") or "")
            level = by_urn[parent] + 1 if parent in by_urn else 1
        level = max(1, min(level, 20))
        by_urn[str(node.get("urn") or "")] = level
        result.append(level)
    return result


def _assessable(value: Any) -> bool:
    return value is True or str(value or "").strip().casefold() in TRUE_WORDS | {"x"}


def library_draft(library: Library, mapping: ColumnMapping, catalogs: CatalogSet) -> CatalogDraft:
    """The catalog from a peer library; nodes that cannot be used are listed with their line or row."""
    head = checked_head(mapping.catalog_id, mapping.name, mapping.version, mapping.source, catalogs)
    head = CatalogHead(head.id, head.name, head.version, head.source, library.meta.get("description", "")[:2000])
    builder = TreeBuilder(fallback_area=library.framework.get("name") or library.meta.get("name", "") or "Bereich")
    depths = _depths(library.nodes)
    for index, node in enumerate(library.nodes):
        level, row = depths[index], int(node.get("row") or index + 1)
        has_children = index + 1 < len(depths) and depths[index + 1] > level
        name, text = _text(node.get("name") or ""), _text(node.get("description") or "")
        ref_id = _text(node.get("ref_id") or "") or str(node.get("urn") or "").rsplit(":", 1)[-1]
        if not _assessable(node.get("assessable")) or has_children:
            if _assessable(node.get("assessable")):
                builder.problems.append(
                    _("Zeile {n}: „{id}“ ist bewertbar, hat aber Unterpunkte – als Ebene übernommen.").format(
                        n=row, id=ref_id
                    )
                )
            title = name or (text[:200] if text else ref_id)
            builder.heading(level, ref_id, title, row, text if name else "")
            continue
        del builder.stack[max(0, level - 1) :]
        raw = {"id": ref_id, "requirement": text or name, "title": name if text else ""}
        raw |= {"guidance": _text(node.get("annotation") or ""), "evidence": _text(node.get("typical_evidence") or "")}
        builder.requirement(row, raw)
    nodes, problems = builder.tree()
    return catalog_from_tree(nodes, problems, head, settings_from(catalogs.get(mapping.base)), [])
