"""Quality-model catalogs: the schema, safe loading from YAML and validation with readable messages.

A catalog is data: areas, optional intermediate levels (groups), requirements, a rating scale and the
certification procedure. Nothing here imports widgets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from qmkit.domain.catalog_i18n import CatalogTexts, check_translations
from qmkit.domain.yaml_data import MAX_DATA_BYTES, StrictModel, read_yaml
from qmkit.errors import CatalogError, NotFoundError
from qmkit.i18n import _

if TYPE_CHECKING:
    from qmkit.domain.crosswalk import Crosswalk

MAX_CATALOG_BYTES = MAX_DATA_BYTES
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"


_Strict = StrictModel


class ScaleValue(_Strict):
    """One value of a rating scale: stored id, German label, whether it counts as met / not applicable."""

    value: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=60)
    met: bool = False
    not_applicable: bool = False
    color: str = Field(default="#9e9e9e", pattern=r"^#[0-9a-fA-F]{6}$")


class Scale(_Strict):
    """The rating scale of a catalog; ``values`` are in display order, best first."""

    values: list[ScaleValue] = Field(min_length=2)

    @model_validator(mode="after")
    def _check(self) -> Scale:
        ids = [v.value for v in self.values]
        dupes = sorted({v for v in ids if ids.count(v) > 1})
        if dupes:
            raise ValueError(_("Skalenwerte doppelt: {ids}").format(ids=", ".join(dupes)))
        if not any(v.met for v in self.values):
            raise ValueError(_("Mindestens ein Skalenwert braucht 'met: true' (gilt als erfüllt)"))
        return self

    def get(self, value: str) -> ScaleValue | None:
        return next((v for v in self.values if v.value == value), None)

    def label(self, value: str | None) -> str:
        found = self.get(value) if value else None
        return found.label if found else ""


class ProcedureStep(_Strict):
    """One step of the certification or quality procedure with a typical duration in weeks."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    typical_weeks: float | None = Field(default=None, ge=0)


class Deadline(_Strict):
    """A deadline the procedure sets, counted from the certificate: before its end, after it, or repeating.

    ``fulfilled_by`` lets a recorded event in the period count as done: ``management_review`` (held in the PDCA
    review), ``quality_dialogue`` (a network's quality dialogue the institution hosted) or ``inspection`` (a
    collegial inspection it hosted) or ``internal_audit`` (an audit record of the cycle, closed).
    """

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    note: str = ""
    before_expiry_months: int | None = Field(default=None, ge=0, le=120)
    after_certificate_months: int | None = Field(default=None, ge=1, le=120)
    every_months: int | None = Field(default=None, ge=1, le=60)
    fulfilled_by: Literal["management_review", "quality_dialogue", "inspection", "internal_audit"] | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> Deadline:
        rules = [self.before_expiry_months, self.after_certificate_months, self.every_months]
        if sum(r is not None for r in rules) != 1:
            raise ValueError(
                _(
                    "Frist '{id}' braucht genau eine Regel: before_expiry_months, after_certificate_months "
                    "oder every_months"
                ).format(id=self.id)
            )
        return self


class Procedure(_Strict):
    """The procedure a catalog follows (certification, testing or a municipal cycle) and its deadlines."""

    name: str = Field(min_length=1)
    validity_years: float | None = Field(default=None, gt=0, le=10)
    # False for a model without a certificate (QMF: a three-year round; DKBM: a repeating municipal cycle):
    # the pages then speak of the round's start and end, never of a certificate
    certificate: bool = True
    cycle_note: str = ""
    steps: list[ProcedureStep] = Field(min_length=1)
    deadlines: list[Deadline] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Procedure:
        ids = [s.id for s in self.steps] + [d.id for d in self.deadlines]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(
                _("Schritte und Fristen des Verfahrens haben doppelte IDs: {ids}").format(ids=", ".join(dupes))
            )
        if self.validity_years is None:
            relative = [d.id for d in self.deadlines if d.before_expiry_months is not None]
            if relative:
                raise ValueError(
                    _(
                        "Fristen {ids} zählen vom Ablauf der Gültigkeit; dafür braucht das Verfahren "
                        "validity_years (z. B. validity_years: 3)"
                    ).format(ids=", ".join(relative))
                )
        return self

    @property
    def validity_months(self) -> int | None:
        return round(self.validity_years * 12) if self.validity_years else None


class PdcaScoring(_Strict):
    """CAF-style PDCA-phase scoring: one level 0–100 (classical) or Plan/Do/Check/Act each (fine_tuned)."""

    variant: Literal["classical", "fine_tuned"] = "classical"
    per: Literal["area", "requirement"] = "area"


class SelfReportSettings(_Strict):
    """Written work the catalog asks for: an own reference text (e.g. LQW's definition of successful learning)
    shown beside every requirement, and the narrative in five focal points instead of a short "Umsetzung"."""

    definition: str = Field(default="", max_length=120)  # the reference text's name; empty: none
    narrative: bool = False


class Requirement(_Strict):
    """A requirement (standard) to be rated; ``scale`` may restrict the catalog scale for this one."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    guidance: str = ""
    evidence: list[str] = Field(default_factory=list)
    evidence_required: bool = False
    scale: list[str] | None = None


class Group(_Strict):
    """An area or an intermediate level (e.g. a QESplus field of action) holding groups and requirements."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    groups: list[Group] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Group:
        if not self.groups and not self.requirements:
            raise ValueError(_("Bereich '{id}' enthält keine Anforderungen").format(id=self.id))
        return self

    def all_requirements(self) -> list[Requirement]:
        found = list(self.requirements)
        for group in self.groups:
            found.extend(group.all_requirements())
        return found


class Catalog(_Strict):
    """A whole quality model as shipped in ``standards/*.yaml``."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    language: str = "de"
    description: str = ""
    source: str = Field(min_length=1)
    levels: list[str] = Field(default_factory=lambda: ["Qualitätsbereich"], min_length=1)
    scale: Scale
    procedure: Procedure
    areas: list[Group] = Field(min_length=1)
    pdca_scoring: PdcaScoring | None = None
    self_report: SelfReportSettings = Field(default_factory=SelfReportSettings)
    internal_audit: bool = False  # a yearly internal audit with programme, records and findings (QESplus)
    # the organisation maps its own leadership, core and support processes against the requirements (QESplus)
    process_map: bool = False
    # the municipality loads its needs (monitoring) and offers tables and compares them per district (DKBM)
    offers_needs: bool = False
    # the texts in other languages, shown when QMKIT_LANG names one (see qmkit.domain.catalog_i18n)
    translations: dict[str, CatalogTexts] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _cross_checks(self) -> Catalog:
        seen: dict[str, int] = {}
        for node_id in self._all_ids():
            seen[node_id] = seen.get(node_id, 0) + 1
        dupes = sorted(k for k, n in seen.items() if n > 1)
        if dupes:
            raise ValueError(
                _("IDs mehrfach vergeben: {ids} – jede ID darf nur einmal vorkommen").format(ids=", ".join(dupes))
            )
        known = {v.value for v in self.scale.values}
        for req in self.requirements():
            unknown = [v for v in (req.scale or []) if v not in known]
            if unknown:
                raise ValueError(
                    _("Anforderung '{req}' nennt unbekannte Skalenwerte {vals}; erlaubt sind: {ok}").format(
                        req=req.id, vals=", ".join(unknown), ok=", ".join(sorted(known))
                    )
                )
        check_translations(self)
        return self

    def _all_ids(self) -> Iterator[str]:
        def walk(group: Group) -> Iterator[str]:
            yield group.id
            for sub in group.groups:
                yield from walk(sub)
            for req in group.requirements:
                yield req.id

        for area in self.areas:
            yield from walk(area)

    def requirements(self) -> list[Requirement]:
        """All requirements in catalog order."""
        found: list[Requirement] = []
        for area in self.areas:
            found.extend(area.all_requirements())
        return found

    def area_of(self, req_id: str) -> Group:
        for area in self.areas:
            if any(r.id == req_id for r in area.all_requirements()):
                return area
        raise NotFoundError(_("Anforderung '{id}' gibt es im Katalog nicht").format(id=req_id))

    def scale_for(self, req: Requirement) -> list[ScaleValue]:
        """The scale values allowed for ``req`` (the catalog scale, or the requirement's subset)."""
        if req.scale is None:
            return list(self.scale.values)
        return [v for v in self.scale.values if v.value in req.scale]

    def pdca_targets(self) -> list[tuple[str, str]]:
        """(id, title) of what the PDCA-phase scoring rates: areas or requirements; empty when it is off."""
        if self.pdca_scoring is None:
            return []
        items = self.areas if self.pdca_scoring.per == "area" else self.requirements()
        return [(x.id, x.title) for x in items]

    @property
    def title(self) -> str:
        return f"{self.name} (Version {self.version})"


Group.model_rebuild()


def parse_catalog(text: str, source: str = "<Text>") -> Catalog:
    """Parse and validate catalog YAML; raise :class:`CatalogError` naming source, line, key and fix."""
    doc = read_yaml(text, source, _("kein gültiger Katalog"), _("ein Katalog braucht id, name, areas …"))
    return doc.validate(Catalog)


@dataclass
class CatalogSet:
    """All catalogs found, by id, the crosswalks between them, and the problems of files that could not be loaded."""

    catalogs: dict[str, Catalog] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    errors: list[CatalogError] = field(default_factory=list)
    crosswalks: dict[str, Crosswalk] = field(default_factory=dict)

    def get(self, catalog_id: str) -> Catalog:
        try:
            return self.catalogs[catalog_id]
        except KeyError:
            known = ", ".join(sorted(self.catalogs)) or "–"
            raise NotFoundError(
                _("Katalog '{id}' ist nicht geladen (vorhanden: {known})").format(id=catalog_id, known=known)
            ) from None

    def sorted(self) -> list[Catalog]:
        return sorted(self.catalogs.values(), key=lambda c: c.name.lower())

    def crosswalk(self, one: str, other: str) -> Crosswalk | None:
        """The crosswalk between two catalogs (either direction), if one is loaded."""
        return next((c for c in self.crosswalks.values() if {c.source.catalog, c.target.catalog} == {one, other}), None)
