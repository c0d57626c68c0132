"""The anonymous comparison of a network: per area and requirement how the members stand, never who said what.

Each rating becomes a score on its scale (best usable value 100, worst 0; "nicht zutreffend" has none). Per
requirement the members' ratings are counted per scale value and their scores give median and quartiles (pandas'
linear quantiles); per area each member's mean score is one value of the distribution. A figure is shown only when
at least ``threshold`` members stand behind it, otherwise it is ``None`` and the report says why; free texts are
never part of a contribution. The own position (``own``) is filled only when the report is made for that member.
Pure functions over plain data.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qmkit.domain.catalog import Catalog, Requirement, Scale, ScaleValue

Ratings = Mapping[str, str]  # requirement id -> scale value of one member


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of scores 0–100 (``None`` everywhere when the group is below the threshold)."""

    n: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None

    @property
    def shown(self) -> bool:
        return self.median is not None


@dataclass(frozen=True)
class RequirementStat:
    requirement_id: str
    title: str
    area_id: str
    n: int  # members who rated it (any value, "nicht zutreffend" included)
    counts: dict[str, int] | None  # scale value -> number of members; None below the threshold
    spread: Spread  # over the members' scores (usable values only)
    median_label: str  # the scale label nearest to the median ('' when hidden)
    own_value: str | None = None
    own_score: float | None = None
    own_label: str = ""

    @property
    def shown(self) -> bool:
        return self.counts is not None


@dataclass(frozen=True)
class AreaStat:
    area_id: str
    title: str
    spread: Spread  # over the members' mean scores in the area
    own_score: float | None = None


@dataclass(frozen=True)
class Further:
    """A requirement where the network's median is above the member's own score: "where others are further"."""

    stat: RequirementStat
    gap: float  # median - own score, in points of 100


@dataclass(frozen=True)
class NetworkReport:
    catalog: Catalog
    round_name: str
    threshold: int
    members: int  # joined members
    contributions: int  # members who contributed to the round
    areas: tuple[AreaStat, ...]
    requirements: tuple[RequirementStat, ...]
    own_member: str | None = None  # whose own column is filled (their own copy only)

    @property
    def shown(self) -> bool:
        return self.contributions >= self.threshold

    def further(self) -> list[Further]:
        """Where the others are further than this member, largest gap first."""
        found = [
            Further(s, s.spread.median - s.own_score)
            for s in self.requirements
            if s.spread.median is not None and s.own_score is not None and s.spread.median > s.own_score
        ]
        return sorted(found, key=lambda f: (-f.gap, f.stat.requirement_id))


def value_scores(scale: Scale | Sequence[object]) -> dict[str, float]:
    """Scale value -> score: the best usable value 100, the worst 0, evenly between; not applicable has none."""
    values = scale.values if isinstance(scale, Scale) else scale
    usable = [v for v in values if not v.not_applicable]  # type: ignore[attr-defined]
    if len(usable) == 1:
        return {usable[0].value: 100.0}  # type: ignore[attr-defined]
    step = 100.0 / (len(usable) - 1)
    return {v.value: round(100.0 - i * step, 6) for i, v in enumerate(usable)}  # type: ignore[attr-defined]


def spread(scores: Sequence[float], threshold: int) -> Spread:
    """Median and quartiles as pandas computes them (linear interpolation), or only ``n`` below the threshold."""
    n = len(scores)
    if n < threshold or n == 0:
        return Spread(n)
    ordered = sorted(scores)
    if n == 1:
        return Spread(n, ordered[0], ordered[0], ordered[0])
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(n, round(median, 4), round(q1, 4), round(q3, 4))


def nearest_label(catalog: Catalog, req: Requirement, score: float | None) -> str:
    if score is None:
        return ""
    scale = catalog.scale_for(req)
    scores = value_scores(scale)
    best = min(scale, key=lambda v: (abs(scores[v.value] - score), scores[v.value]) if v.value in scores else (999, 0))
    return best.label


@dataclass(frozen=True)
class _Item:
    """A requirement as the comparison needs it: its area, scale and the scores of its values."""

    req: Requirement
    area_id: str
    scale: tuple[ScaleValue, ...]
    scores: dict[str, float]


def _layout(catalog: Catalog) -> list[_Item]:
    items = []
    for area in catalog.areas:
        for req in area.all_requirements():
            scale = tuple(catalog.scale_for(req))
            items.append(_Item(req, area.id, scale, value_scores(list(scale))))
    return items


def _requirement_stat(
    catalog: Catalog, item: _Item, members: Sequence[Ratings], threshold: int, own: Ratings | None
) -> RequirementStat:
    req, scale, scores = item.req, item.scale, item.scores
    allowed = {v.value for v in scale}
    values = [value for r in members if (value := r.get(req.id)) in allowed]
    usable = [scores[v] for v in values if v in scores]
    shown = len(values) >= threshold
    counts = {v.value: values.count(v.value) for v in scale} if shown else None
    stat_spread = spread(usable, threshold) if shown else Spread(len(usable))
    own_value = own.get(req.id) if own is not None else None
    return RequirementStat(
        req.id,
        req.title,
        item.area_id,
        len(values),
        counts,
        stat_spread,
        nearest_label(catalog, req, stat_spread.median),
        own_value,
        scores.get(own_value) if own_value else None,
        next((v.label for v in scale if v.value == own_value), ""),
    )


def member_area_scores(catalog: Catalog, ratings: Ratings, layout: list[_Item] | None = None) -> dict[str, float]:
    """A member's mean score per area (areas without a usable rating are left out)."""
    sums: dict[str, list[float]] = {}
    for item in layout if layout is not None else _layout(catalog):
        value = ratings.get(item.req.id)
        if value in item.scores:
            sums.setdefault(item.area_id, []).append(item.scores[value])
    return {area_id: sum(v) / len(v) for area_id, v in sums.items()}


def compare(
    catalog: Catalog,
    contributions: Mapping[int, Ratings],
    threshold: int,
    round_name: str = "",
    members: int | None = None,
    own: int | None = None,
    own_name: str | None = None,
) -> NetworkReport:
    """The report of one round: ``contributions`` maps member id -> ratings; ``own`` fills that member's column."""
    everyone = list(contributions.values())
    # too few contributions: no figure anywhere, not even for a requirement all of them rated
    limit = threshold if len(everyone) >= threshold else len(everyone) + 1
    mine = contributions.get(own) if own is not None else None
    layout = _layout(catalog)
    per_member = [member_area_scores(catalog, r, layout) for r in everyone]
    own_areas = member_area_scores(catalog, mine, layout) if mine is not None else {}
    areas = tuple(
        AreaStat(
            area.id,
            area.title,
            spread([m[area.id] for m in per_member if area.id in m], limit),
            own_areas.get(area.id),
        )
        for area in catalog.areas
    )
    requirements = tuple(_requirement_stat(catalog, item, everyone, limit, mine) for item in layout)
    return NetworkReport(
        catalog,
        round_name,
        threshold,
        members if members is not None else len(contributions),
        len(contributions),
        areas,
        requirements,
        own_name if mine is not None else None,
    )


@dataclass(frozen=True)
class TrendRow:
    """One area over the rounds: the network's median per round (``None`` hidden) and the member's own score."""

    area_id: str
    title: str
    medians: tuple[float | None, ...]
    own: tuple[float | None, ...]


def trend(reports: Sequence[NetworkReport]) -> list[TrendRow]:
    """Per area the medians of the rounds, oldest first (the reports of one network and catalog)."""
    if not reports:
        return []
    rows = []
    for i, area in enumerate(reports[0].areas):
        rows.append(
            TrendRow(
                area.area_id,
                area.title,
                tuple(r.areas[i].spread.median for r in reports),
                tuple(r.areas[i].own_score for r in reports),
            )
        )
    return rows
