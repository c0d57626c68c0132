"""Comparison over cycles: per area how the ratings developed, per requirement what changed, and which
measures were done in between (measure → requirement it targeted → rating delta).

Pure functions over data read from the store; :func:`load_history` does the reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import Assessment, Cycle
from qmkit.domain.planning import Measure, MeasureStatus
from qmkit.domain.selfeval import Summary, summarize

DONE_STATUSES = (MeasureStatus.UMGESETZT, MeasureStatus.WIRKSAM)


@dataclass(frozen=True)
class CycleSnapshot:
    """One cycle as read for the comparison: its answers and its measures."""

    cycle: Cycle
    assessments: dict[str, Assessment]
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class RequirementChange:
    """A requirement whose rating differs between two cycles; ``delta`` > 0 is better, ``None`` if not comparable."""

    requirement_id: str
    title: str
    area_id: str
    before: str | None
    after: str | None
    before_label: str
    after_label: str
    delta: int | None


@dataclass(frozen=True)
class MeasureEffect:
    """A measure done in the earlier cycle, a requirement it targeted, and that requirement's rating delta."""

    measure: Measure
    requirement_id: str
    before_label: str
    after_label: str
    delta: int | None


@dataclass(frozen=True)
class CycleStep:
    """From one cycle to the next: changed requirements and the effects of the measures in between."""

    before: Cycle
    after: Cycle
    changes: tuple[RequirementChange, ...]
    effects: tuple[MeasureEffect, ...]

    @property
    def improved(self) -> int:
        return sum(1 for c in self.changes if c.delta is not None and c.delta > 0)

    @property
    def worse(self) -> int:
        return sum(1 for c in self.changes if c.delta is not None and c.delta < 0)


@dataclass(frozen=True)
class Comparison:
    """All cycles of an institution with one quality model, oldest first, and the steps between them."""

    catalog: Catalog
    cycles: tuple[Cycle, ...]
    summaries: tuple[Summary, ...]
    steps: tuple[CycleStep, ...]

    def met_share(self, cycle_index: int, area_id: str) -> float | None:
        """Share of applicable rated requirements of an area rated as met, in percent (``None``: none rated)."""
        area = next(a for a in self.summaries[cycle_index].areas if a.area_id == area_id)
        return area.met_share(self.catalog.scale)


def _ranks(catalog: Catalog) -> dict[str, int]:
    """Scale values by goodness: the catalog lists them best first; "not applicable" has no rank."""
    ordered = [v for v in catalog.scale.values if not v.not_applicable]
    return {v.value: len(ordered) - i for i, v in enumerate(ordered)}


def compare(catalog: Catalog, snapshots: list[CycleSnapshot]) -> Comparison:
    """The comparison of ``snapshots`` (any order; sorted oldest first) against the current catalog."""
    ordered = sorted(snapshots, key=lambda s: (s.cycle.created_at, s.cycle.id))
    ranks = _ranks(catalog)
    area_of = {r.id: a.id for a in catalog.areas for r in a.all_requirements()}
    reqs = catalog.requirements()

    def label(value: str | None) -> str:
        found = catalog.scale.get(value) if value else None
        return found.label if found else "–"

    def rating(snapshot: CycleSnapshot, req_id: str) -> str | None:
        a = snapshot.assessments.get(req_id)
        return a.rating if a else None

    def delta(before: str | None, after: str | None) -> int | None:
        if before in ranks and after in ranks:
            return ranks[after] - ranks[before]
        return None

    steps = []
    for old, new in pairwise(ordered):
        changes = tuple(
            RequirementChange(r.id, r.title, area_of[r.id], b, a, label(b), label(a), delta(b, a))
            for r in reqs
            if (b := rating(old, r.id)) != (a := rating(new, r.id))
        )
        effects = tuple(
            MeasureEffect(
                m,
                req_id,
                label(rating(old, req_id)),
                label(rating(new, req_id)),
                delta(rating(old, req_id), rating(new, req_id)),
            )
            for m in old.measures
            if m.status in DONE_STATUSES
            for req_id in m.requirement_ids
            if req_id in area_of
        )
        steps.append(CycleStep(old.cycle, new.cycle, changes, effects))
    return Comparison(
        catalog,
        tuple(s.cycle for s in ordered),
        tuple(summarize(catalog, s.assessments) for s in ordered),
        tuple(steps),
    )
