"""Safe YAML for data files (catalogs, crosswalks): parsing without aliases or tags, and German messages that name
the file, the line, the key path and the fix.

:func:`read_yaml` parses a text and keeps its node tree so that a later check (pydantic's, or one against other
files) can say in which line a value stands (:meth:`YamlDoc.problem`). Nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from qmkit.errors import CatalogError
from qmkit.i18n import N_, _

MAX_DATA_BYTES = 5 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)
Loc = tuple[int | str, ...]


class StrictModel(BaseModel):
    """Base of the data files' schemas: unknown keys are errors (typos), values are frozen and stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML that refuses anchors and aliases (they allow 'billion laughs' expansion)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem=_("YAML-Aliase (*name) sind hier nicht erlaubt – bitte den Wert ausschreiben"),
                problem_mark=event.start_mark,
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem=_("YAML-Anker (&name) sind hier nicht erlaubt – bitte den Wert ausschreiben"),
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def loc_text(loc: Loc) -> str:
    """``areas[1].requirements[0].text``: the key path as a person reads it."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("(Dateianfang)")


def line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its deepest existing parent)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


_PYDANTIC_DE = {
    "missing": N_("Pflichtfeld fehlt – bitte ergänzen"),
    "extra_forbidden": N_("unbekanntes Feld – Tippfehler? Bitte entfernen oder korrekt schreiben"),
    "string_type": N_("Text erwartet"),
    "string_too_short": N_("darf nicht leer sein"),
    "string_too_long": N_("Text ist zu lang"),
    "string_pattern_mismatch": N_("ungültige ID – erlaubt sind Buchstaben, Ziffern, Punkt, Bindestrich, Unterstrich"),
    "bool_type": N_("true oder false erwartet"),
    "bool_parsing": N_("true oder false erwartet"),
    "float_parsing": N_("Zahl erwartet"),
    "float_type": N_("Zahl erwartet"),
    "int_parsing": N_("ganze Zahl erwartet"),
    "list_type": N_("Liste erwartet (Zeilen mit '- ')"),
    "dict_type": N_("Abschnitt mit Feldern erwartet (Schlüssel: Wert)"),
    "model_type": N_("Abschnitt mit Feldern erwartet (Schlüssel: Wert)"),
    "too_short": N_("Liste ist zu kurz oder leer – mindestens ein Eintrag nötig"),
    "greater_than": N_("Wert muss größer sein"),
    "greater_than_equal": N_("Wert darf nicht negativ sein"),
}


def problem_text(err: Any) -> str:
    """A pydantic error of one field as a German sentence with the fix."""
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err.get("msg", "")))
    if kind in ("literal_error", "enum"):
        return _("ungültiger Wert – erlaubt: {expected}").format(expected=err.get("ctx", {}).get("expected", ""))
    if kind in _PYDANTIC_DE:
        return _(_PYDANTIC_DE[kind])
    return str(err.get("msg", kind))


@dataclass(frozen=True)
class YamlDoc:
    """A parsed data file: its top-level mapping and the node tree that knows the lines."""

    source: str
    root: yaml.Node | None
    data: dict[str, Any]

    def problem(self, loc: Loc, text: str) -> str:
        """``file, Zeile N (key.path): text`` – the form of every message about a place in the file."""
        return _("{src}, Zeile {line} ({loc}): {problem}").format(
            src=self.source, line=line_of(self.root, loc) or "?", loc=loc_text(loc), problem=text
        )

    def validate(self, model: type[M]) -> M:
        """``model`` from the data; :class:`CatalogError` with one line per field that is wrong."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
                problems.append(self.problem(loc, problem_text(err)))
            raise CatalogError(self.source, problems) from None


def read_yaml(text: str, source: str, kind: str, needs: str) -> YamlDoc:
    """Parse YAML safely; :class:`CatalogError` for a file too large, broken, empty or not a mapping.

    ``kind`` names what the file should be ("kein gültiger Katalog"), ``needs`` the keys an empty one lacks.
    """
    if len(text.encode("utf-8", "replace")) > MAX_DATA_BYTES:
        raise CatalogError(source, [_("{src}: Datei ist größer als 5 MB – {kind}").format(src=source, kind=kind)])
    try:
        root = yaml.compose(text, Loader=_NoAliasLoader)
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = _("Zeile {line}, Spalte {col}").format(line=mark.line + 1, col=mark.column + 1) if mark else ""
        problem = exc.problem or str(exc)
        if "could not determine a constructor" in problem:
            problem = _("unerlaubtes YAML-Tag (z. B. !!python/object) – nur einfache Werte sind erlaubt")
        raise CatalogError(
            source,
            [_("{src}, {where}: YAML-Fehler: {problem}").format(src=source, where=where, problem=problem)],
        ) from None
    except yaml.YAMLError as exc:
        raise CatalogError(source, [_("{src}: YAML-Fehler: {exc}").format(src=source, exc=exc)]) from None
    if data is None:
        raise CatalogError(source, [_("{src}: Datei ist leer – {needs}").format(src=source, needs=needs)])
    if not isinstance(data, dict):
        raise CatalogError(
            source,
            [
                _(
                    "{src}, Zeile 1: oberste Ebene muss ein Abschnitt mit Feldern sein (id: …, name: …), nicht {kind}"
                ).format(src=source, kind=type(data).__name__)
            ],
        )
    return YamlDoc(source, root, data)
