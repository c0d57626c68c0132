"""The self-evaluation of one cycle as data: the rules of its answer fields, its progress, the export's view.

No I/O: :mod:`qmkit.services.selfeval` reads and writes; this module only describes and counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from qmkit.domain.catalog import Catalog, Scale
from qmkit.domain.feedback import Finding, ReportHead
from qmkit.domain.model import Assessment, CatalogDrift, Cycle, Institution
from qmkit.domain.readiness import Readiness, check_readiness
from qmkit.domain.review import PlanData
from qmkit.domain.text import clean_text as _clean
from qmkit.domain.workshop import WorkshopResult
from qmkit.i18n import N_, _

TEXT_LIMITS = {"implementation": 10_000, "responsible": 200}
FIELD_LABELS = {"rating": N_("Bewertung"), "implementation": N_("Umsetzung"), "responsible": N_("Verantwortlich")}


def clean_text(value: Any, field_name: str) -> str:
    """Text of an assessment field as it may be stored (see :func:`qmkit.domain.text.clean_text`)."""
    return _clean(
        value,
        field_name,
        limit=TEXT_LIMITS[field_name],
        label=FIELD_LABELS[field_name],
        multiline=field_name == "implementation",
    )


@dataclass(frozen=True)
class AreaSummary:
    """Progress of one area: requirements in total, rated, and how many got each scale value."""

    area_id: str
    title: str
    total: int
    rated: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return 100.0 * self.rated / self.total if self.total else 0.0

    def met(self, scale: Scale) -> int:
        """How many requirements got a value that counts as met."""
        return sum(n for v, n in self.counts.items() if (s := scale.get(v)) is not None and s.met)

    def met_share(self, scale: Scale) -> float | None:
        """Percent of the rated, applicable requirements that are met (``None`` while none is rated)."""
        applicable = sum(n for v, n in self.counts.items() if (s := scale.get(v)) is not None and not s.not_applicable)
        return 100.0 * self.met(scale) / applicable if applicable else None


@dataclass(frozen=True)
class Summary:
    """Progress of a whole cycle, per area and overall."""

    areas: tuple[AreaSummary, ...]

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def rated(self) -> int:
        return sum(a.rated for a in self.areas)

    @property
    def percent(self) -> float:
        return 100.0 * self.rated / self.total if self.total else 0.0

    def progress_text(self) -> str:
        """'11 von 16 Anforderungen bewertet (69 %)' – the same words on every page and in the export."""
        return _("{rated} von {total} Anforderungen bewertet ({pct:.0f} %)").format(
            rated=self.rated, total=self.total, pct=self.percent
        )


def summarize(catalog: Catalog, assessments: dict[str, Assessment]) -> Summary:
    """Count rated requirements and scale values per area (ratings outside the scale are not counted)."""
    areas = []
    for area in catalog.areas:
        reqs = area.all_requirements()
        counts = {v.value: 0 for v in catalog.scale.values}
        rated = 0
        for req in reqs:
            rating = assessments.get(req.id, Assessment(0, req.id)).rating
            if rating in counts:
                counts[rating] += 1
                rated += 1
        areas.append(AreaSummary(area.id, area.title, len(reqs), rated, counts))
    return Summary(tuple(areas))


@dataclass(frozen=True)
class ChecklistData:
    """Everything an export needs about one cycle, read from the store at one moment."""

    catalog: Catalog
    institution: Institution
    cycle: Cycle
    assessments: dict[str, Assessment]
    drift: CatalogDrift
    plan: PlanData = field(default_factory=PlanData)
    to_confirm: frozenset[str] = frozenset()
    workshops: tuple[WorkshopResult, ...] = ()
    as_of: date = field(default_factory=date.today)
    findings: dict[str, Finding] = field(default_factory=dict)
    feedback_head: ReportHead | None = None

    def assessment(self, req_id: str) -> Assessment:
        return self.assessments.get(req_id, Assessment(self.cycle.id, req_id))

    @cached_property
    def readiness(self) -> Readiness:
        """The readiness check of this cycle as of ``as_of``."""
        return check_readiness(self.catalog, self.cycle, self.assessments, self.as_of)

    @property
    def summary(self) -> Summary:
        return summarize(self.catalog, self.assessments)


def catalog_drift(cycle: Cycle, catalog: Catalog, answered: set[str]) -> CatalogDrift:
    """Requirements of the cycle (or with stored answers) that the loaded catalog no longer has, and new ones."""
    now_ids = [r.id for r in catalog.requirements()]
    before = list(cycle.requirement_ids) + sorted(answered - set(cycle.requirement_ids))
    return CatalogDrift(
        removed=tuple(r for r in before if r not in set(now_ids)),
        added=tuple(r for r in now_ids if r not in set(cycle.requirement_ids)),
        version_changed=cycle.catalog_version != catalog.version,
    )
