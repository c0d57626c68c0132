"""Crosswalks: which requirements of one catalog correspond to which of another, and ratings carried across.

A crosswalk is data (``standards/crosswalks/*.yaml``): two catalogs (``source`` and ``target``, optionally with the
version it was written for) and a list of mappings – requirement id(s) of the one to requirement id(s) of the other,
``kind`` *gleich* (same meaning) or *teilweise* (overlapping), and a note. It works in both directions.

Ratings are carried by score (best usable scale value 100, worst 0, as in the network comparison) to the nearest
value of the other scale; a tie goes to the lower value, several sources of one target give their lowest (the more
careful value). What only a *teilweise* mapping carries is a suggestion. Pure functions over plain data.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from qmkit.domain.catalog import ID_PATTERN, Catalog, Requirement
from qmkit.domain.network_comparison import value_scores
from qmkit.domain.yaml_data import Loc, StrictModel, YamlDoc, read_yaml
from qmkit.errors import CatalogError, InputError
from qmkit.i18n import _

GLEICH, TEILWEISE = "gleich", "teilweise"


class Side(StrictModel):
    """One catalog of a crosswalk; ``version`` says which version the mappings were written for."""

    catalog: str = Field(pattern=ID_PATTERN)
    version: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class Mapping(StrictModel):
    """Requirement id(s) of the source catalog that correspond to requirement id(s) of the target catalog."""

    source: list[str] = Field(min_length=1)
    target: list[str] = Field(min_length=1)
    kind: Literal["gleich", "teilweise"] = "gleich"
    note: str = Field(default="", max_length=500)

    @field_validator("source", "target", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str | int | float) else value

    @field_validator("source", "target", mode="after")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        clean = [str(v).strip() for v in value]
        if any(not v for v in clean):
            raise ValueError(_("leere Anforderungs-ID – bitte eine ID eintragen"))
        doubled = sorted({v for v in clean if clean.count(v) > 1})
        if doubled:
            raise ValueError(_("ID doppelt in derselben Zuordnung: {ids}").format(ids=", ".join(doubled)))
        return clean


class Crosswalk(StrictModel):
    """A whole crosswalk file."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    source: Side
    target: Side
    mappings: list[Mapping] = Field(min_length=1)

    @model_validator(mode="after")
    def _two_catalogs(self) -> Crosswalk:
        if self.source.catalog == self.target.catalog:
            raise ValueError(_("source und target nennen denselben Katalog – ein Crosswalk verbindet zwei Kataloge"))
        return self

    def other(self, catalog_id: str) -> str:
        """The catalog on the other side of ``catalog_id``."""
        return self.target.catalog if catalog_id == self.source.catalog else self.source.catalog

    def links(self, from_catalog: str) -> list[Link]:
        """The mappings read from ``from_catalog`` towards the other catalog."""
        if from_catalog not in (self.source.catalog, self.target.catalog):
            raise InputError(
                _("Der Crosswalk „{title}“ verbindet „{a}“ und „{b}“, nicht „{c}“.").format(
                    title=self.title, a=self.source.catalog, b=self.target.catalog, c=from_catalog
                ),
                "catalog",
            )
        forward = from_catalog == self.source.catalog
        return [
            Link(tuple(m.source if forward else m.target), tuple(m.target if forward else m.source), m.kind, m.note)
            for m in self.mappings
        ]


@dataclass(frozen=True)
class Link:
    """A mapping in one direction: from these requirements to those."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    kind: str
    note: str = ""


# --------------------------------------------------------------------------- loading


def parse_crosswalk(text: str, source: str, catalogs: MappingType[str, Catalog]) -> Crosswalk:
    """Parse a crosswalk and check it against the loaded ``catalogs``; :class:`CatalogError` names file, line, fix."""
    doc = read_yaml(
        text, source, _("kein gültiger Crosswalk"), _("ein Crosswalk braucht id, title, source, target, mappings")
    )
    walk = doc.validate(Crosswalk)
    problems = _reference_problems(doc, walk, catalogs)
    if problems:
        raise CatalogError(source, problems)
    return walk


def _reference_problems(doc: YamlDoc, walk: Crosswalk, catalogs: MappingType[str, Catalog]) -> list[str]:
    """Unknown catalogs, unknown requirement ids and mappings written twice."""
    problems = []
    known: dict[str, set[str]] = {}
    for side_name, side in (("source", walk.source), ("target", walk.target)):
        if side.catalog in catalogs:
            known[side_name] = {r.id for r in catalogs[side.catalog].requirements()}
            continue
        problems.append(
            doc.problem(
                (side_name, "catalog"),
                _(
                    "Katalog „{id}“ ist nicht geladen (vorhanden: {known}) – bitte die Katalog-ID korrigieren "
                    "oder die Katalogdatei in den Katalogordner legen"
                ).format(id=side.catalog, known=", ".join(sorted(catalogs)) or "–"),
            )
        )
    seen: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    raw = doc.data.get("mappings") or []
    for i, mapping in enumerate(walk.mappings):
        for side_name, ids in (("source", mapping.source), ("target", mapping.target)):
            if side_name not in known:
                continue
            as_list = isinstance(raw[i], dict) and isinstance(raw[i].get(side_name), list)
            for j, req_id in enumerate(ids):
                if req_id not in known[side_name]:
                    loc: Loc = ("mappings", i, side_name, j) if as_list else ("mappings", i, side_name)
                    catalog_id = walk.source.catalog if side_name == "source" else walk.target.catalog
                    problems.append(doc.problem(loc, _unknown_id(req_id, catalog_id, known[side_name])))
        key = (frozenset(mapping.source), frozenset(mapping.target))
        if key in seen:
            first = seen[key]
            problems.append(
                doc.problem(
                    ("mappings", i),
                    _("Zuordnung steht doppelt (wie mappings[{first}]) – bitte eine der beiden löschen").format(
                        first=first
                    ),
                )
            )
        seen.setdefault(key, i)
    return problems


def _unknown_id(req_id: str, catalog_id: str, known: set[str]) -> str:
    close = difflib.get_close_matches(req_id, sorted(known), n=1)
    hint = (
        _("meinten Sie „{id}“?").format(id=close[0])
        if close
        else _("z. B. {ids} …").format(ids=", ".join(sorted(known)[:3]))
    )
    return _(
        "Anforderung „{id}“ gibt es im Katalog „{catalog}“ nicht – bitte eine ID des Katalogs eintragen ({hint})"
    ).format(id=req_id, catalog=catalog_id, hint=hint)


def version_notes(walk: Crosswalk, catalogs: MappingType[str, Catalog]) -> list[str]:
    """Hints where a loaded catalog has another version than the one the crosswalk was written for."""
    notes = []
    for side in (walk.source, walk.target):
        catalog = catalogs.get(side.catalog)
        if catalog is not None and side.version and side.version != catalog.version:
            notes.append(
                _(
                    "Der Crosswalk wurde für {id} Version {want} geschrieben, geladen ist Version {have} – "
                    "bitte die Zuordnungen prüfen."
                ).format(id=side.catalog, want=side.version, have=catalog.version)
            )
    return notes


# --------------------------------------------------------------------------- carrying ratings across


@dataclass(frozen=True)
class Carried:
    """A rating carried to a target requirement; ``suggestion`` when only a *teilweise* mapping carried it."""

    requirement_id: str
    value: str
    label: str
    suggestion: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Skipped:
    requirement_id: str
    reason: str


@dataclass(frozen=True)
class Translation:
    """The ratings of a source catalog as ratings of the target catalog."""

    crosswalk: Crosswalk
    source: Catalog
    target: Catalog
    carried: dict[str, Carried] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()

    def ratings(self, suggestions: bool = True) -> dict[str, str]:
        """Target requirement id -> scale value (with ``suggestions=False`` only what *gleich* mappings carried)."""
        return {k: c.value for k, c in self.carried.items() if suggestions or not c.suggestion}


_NA = "na"  # a link whose sources are all "nicht zutreffend"


def nearest_value(target: Catalog, req: Requirement, score: float) -> str:
    """The value of the requirement's scale nearest to ``score`` (0–100); a tie goes to the lower value."""
    scores = value_scores(target.scale_for(req))
    return min(scores, key=lambda v: (abs(scores[v] - score), scores[v]))


def _link_result(
    link: Link, source: Catalog, reqs: dict[str, Requirement], ratings: MappingType[str, str]
) -> float | str | None:
    """The lowest score of the link's sources, ``_NA`` when all are not applicable, ``None`` when one is unrated."""
    found: list[float] = []
    for req_id in link.sources:
        if req_id not in reqs:
            return None
        scale = source.scale_for(reqs[req_id])
        value = ratings.get(req_id)
        match = next((v for v in scale if v.value == value), None)
        if match is None:
            return None
        if not match.not_applicable:
            found.append(value_scores(scale)[match.value])
    return min(found) if found else _NA


def _carry(target: Catalog, req: Requirement, results: list[float | str]) -> str | None:
    scores = [r for r in results if not isinstance(r, str)]
    if scores:
        return nearest_value(target, req, min(scores))
    na = next((v for v in target.scale_for(req) if v.not_applicable), None)
    return na.value if na else None


def translate(walk: Crosswalk, source: Catalog, target: Catalog, ratings: MappingType[str, str]) -> Translation:
    """Carry ``ratings`` (of ``source``) to ``target`` along the crosswalk.

    Per target requirement the *gleich* mappings count; only where none carries a value do the *teilweise*
    ones, and then as a suggestion. A mapping carries only when each of its sources is rated.
    """
    if walk.other(source.id) != target.id:
        raise InputError(
            _("Der Crosswalk „{title}“ verbindet nicht „{a}“ mit „{b}“.").format(
                title=walk.title, a=source.id, b=target.id
            ),
            "catalog",
        )
    per_target: dict[str, list[tuple[Link, float | str | None]]] = {}
    source_reqs = {r.id: r for r in source.requirements()}
    for link in walk.links(source.id):
        result = _link_result(link, source, source_reqs, ratings)
        for req_id in link.targets:
            per_target.setdefault(req_id, []).append((link, result))
    reqs = {r.id: r for r in target.requirements()}
    carried, skipped = {}, []
    for req_id, found in per_target.items():
        if req_id not in reqs:
            continue
        firm = [(lk, r) for lk, r in found if lk.kind == GLEICH and r is not None]
        loose = [(lk, r) for lk, r in found if lk.kind == TEILWEISE and r is not None]
        used, suggestion = (firm, False) if firm else (loose, True)
        value = _carry(target, reqs[req_id], [r for _lk, r in used if r is not None]) if used else None
        if value is None:
            skipped.append(Skipped(req_id, _skip_reason(found, ratings, used)))
            continue
        label = target.scale.label(value)
        sources = tuple(dict.fromkeys(s for lk, _r in used for s in lk.sources))
        carried[req_id] = Carried(req_id, value, label, suggestion, sources)
    return Translation(walk, source, target, carried, tuple(skipped))


def _skip_reason(found: list[tuple[Link, float | str | None]], ratings: MappingType[str, str], used: list[Any]) -> str:
    if used:  # every source "nicht zutreffend", but the target scale has no such value
        return _("„nicht zutreffend“ gibt es in der Skala dieser Anforderung nicht")
    missing = sorted({s for lk, _r in found for s in lk.sources if s not in ratings})
    if missing:
        return _("noch nicht bewertet: {ids}").format(ids=", ".join(missing))
    return _("keine gültige Bewertung in der Quelle")
