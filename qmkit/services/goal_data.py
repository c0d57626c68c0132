"""Goals tied to strategic goals and to the data, checked: the institution's Leitziele, the indicators a goal can
follow in the cycle's data (the needs data's indicators and the supply per 1,000), the baseline and newest value of
a goal's indicator, and the indicators' movement over the cycles beside the measures done.

Reading needs *lesen*; Leitziele are set with *bearbeiten*. The values come from the data each cycle keeps (see
:class:`~qmkit.services.offers_data.OffersNeeds`): a cycle's baseline stays as it was read, its newest value moves
with newer data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.comparison import DONE_STATUSES
from qmkit.domain.goal_data import (
    STRATEGIC_FIELDS,
    SUPPLY,
    IndicatorReading,
    IndicatorSpec,
    StrategicGoal,
    check_strategic_goal,
    read_indicator,
    spec_of,
)
from qmkit.domain.goal_series import indicator_series
from qmkit.domain.model import Cycle
from qmkit.domain.offers import is_population
from qmkit.domain.planning import Goal, Measure, recheck
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import needs
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.selfeval import SelfEvaluation


@dataclass(frozen=True)
class DataOptions:
    """What a goal can follow in the cycle's data (empty lists while no needs data is loaded)."""

    indicators: list[tuple[str, str]]  # (label, key)
    districts: list[str]
    groups: list[str]
    years: list[int]

    @property
    def empty(self) -> bool:
        return not self.indicators


@dataclass(frozen=True)
class CycleFigure:
    """A cycle's newest value of an indicator and the measures done for goals that follow it."""

    cycle: Cycle
    reading: IndicatorReading | None
    done: tuple[Measure, ...]


@dataclass(frozen=True)
class Movement:
    """One indicator over the cycles: which goal (and Leitziel) follows it, its value per cycle, measures done."""

    spec: IndicatorSpec
    goal_title: str
    strategic: str
    target: str
    cycles: tuple[CycleFigure, ...]


class GoalData:
    """The Leitziele of a cycle's institution and the data behind its goals."""

    def __init__(self, evaluation: SelfEvaluation, data: OffersNeeds | None = None):
        """``data``: the page's own :class:`OffersNeeds` of the same cycle, so its rows are read once."""
        self.evaluation = evaluation
        self.store, self.access = evaluation.store, evaluation.access
        self.data = data or OffersNeeds(evaluation)

    @property
    def institution_id(self) -> int:
        return self.evaluation.institution_id

    # ------------------------------------------------------------------ Leitziele

    def strategic_goals(self) -> list[StrategicGoal]:
        return self.store.strategy.goals(self.institution_id)

    def strategic_goal(self, goal_id: Any) -> StrategicGoal:
        gone = _("Dieses Leitziel gibt es nicht (mehr).")
        try:
            found = self.store.strategy.goal(int(goal_id))
        except (TypeError, ValueError):
            raise NotFoundError(gone) from None
        if found.institution_id != self.institution_id:
            raise NotFoundError(gone)
        return found

    @needs(Right.EDIT)
    def add_strategic_goal(self, user: str = "", **values: Any) -> StrategicGoal:
        clean = check_strategic_goal(values)
        return self.store.strategy.add(self.institution_id, clean, self.access.author(user))

    @needs(Right.EDIT)
    def update_strategic_goal(self, goal_id: Any, field: str, value: Any, user: str = "") -> StrategicGoal:
        current = self.strategic_goal(goal_id)
        clean = recheck(current, STRATEGIC_FIELDS, field, value, check_strategic_goal)
        return self.store.strategy.update(current.id, field, clean, self.access.author(user))

    @needs(Right.EDIT)
    def delete_strategic_goal(self, goal_id: Any) -> int:
        """Delete a Leitziel; returns how many goals (of every cycle) lost their link to it."""
        return self.store.strategy.delete(self.strategic_goal(goal_id).id)

    def serving(self, goal_id: Any) -> int:
        return self.store.strategy.serving(self.strategic_goal(goal_id).id)

    # ------------------------------------------------------------------ the data behind goals

    def options(self) -> DataOptions:
        needs_rows, offers = self.data.frames()
        if needs_rows.empty:
            return DataOptions([], [], [], [])
        named = needs_rows.loc[~is_population(needs_rows["indicator"]), "indicator"].unique()
        indicators = [(str(i), str(i)) for i in named]
        indicators += [(_(label), key) for key, (_m, label) in SUPPLY.items()]
        groups = sorted({g for g in needs_rows["group"] if g} | {g for g in offers["group"] if g})
        years = sorted({int(y) for y in needs_rows["year"]})
        return DataOptions(indicators, sorted(set(needs_rows["district"])), groups, years)

    def series(self, spec: IndicatorSpec) -> dict[int, float]:
        needs_rows, offers = self.data.frames()
        return indicator_series(needs_rows, offers, spec)

    def reading(self, goal: Goal) -> IndicatorReading | None:
        """The goal's indicator in this cycle's data (None: the goal follows no indicator from the data)."""
        spec = spec_of(goal)
        if spec is None:
            return None
        return read_indicator(self.series(spec), spec, goal.data_year, goal.target)

    def check_link(self, clean: dict[str, Any]) -> IndicatorReading | None:
        """A goal's checked fields against the data: the Leitziel is the institution's, the indicator, district and
        group exist in the cycle's data; the reading with the baseline for the goal's baseline year."""
        if clean.get("strategic_goal_id") is not None:
            self.strategic_goal(clean["strategic_goal_id"])
        if not clean.get("data_indicator"):
            return None
        spec = IndicatorSpec(clean["data_indicator"], clean.get("data_district", ""), clean.get("data_group", ""))
        known = self.options()
        if known.empty:
            raise InputError(_("Noch keine Bedarfsdaten geladen – die Kennzahl kommt aus den Daten."), "data_indicator")
        checks = (
            ("data_indicator", spec.indicator, [k for _l, k in known.indicators], _("Diese Kennzahl")),
            ("data_district", spec.district, known.districts, _("Diesen Sozialraum")),
            ("data_group", spec.group, known.groups, _("Diese Zielgruppe")),
        )
        for name, value, allowed, what in checks:
            if value and value not in allowed:
                raise InputError(_("{what} gibt es in den Daten dieses Zyklus nicht.").format(what=what), name)
        series = self.series(spec)
        year = clean.get("data_year")
        if year is not None and year not in series:
            raise InputError(
                _("Für {year} enthält die Kennzahl keinen Wert; möglich: {years}.").format(
                    year=year, years=", ".join(str(y) for y in series) or "–"
                ),
                "data_year",
            )
        return read_indicator(series, spec, year)

    def movement(self) -> list[Movement]:
        """Every indicator a goal of this institution's cycles (same quality model) follows, its newest value in
        each cycle's data and the measures done in that cycle for goals following it – oldest cycle first."""
        cycles = [c for c in self.store.cycles.all(self.institution_id) if c.catalog_id == self.evaluation.catalog.id]
        cycles.sort(key=lambda c: c.id)
        found: dict[IndicatorSpec, dict[str, Any]] = {}
        per_cycle: dict[int, tuple[GoalData, list[Goal], list[Measure]]] = {}
        for cycle in cycles:
            goals = [g for g in self.store.plans.goals(cycle.id) if spec_of(g) is not None]
            if not goals:
                continue
            service = self if cycle.id == self.evaluation.cycle.id else GoalData(self._evaluation(cycle))
            per_cycle[cycle.id] = (service, goals, self.store.plans.measures(cycle.id))
            for goal in goals:
                found.setdefault(spec_of(goal), {"goal": goal})  # type: ignore[arg-type]
        titles = {s.id: s.title for s in self.strategic_goals()}
        moves = []
        for spec, first in found.items():
            figures = []
            for cycle in cycles:
                if cycle.id not in per_cycle:
                    continue
                service, goals, measures = per_cycle[cycle.id]
                mine = [g for g in goals if spec_of(g) == spec]
                if not mine:
                    continue
                ids = {g.id for g in mine}
                done = tuple(m for m in measures if m.goal_id in ids and m.status in DONE_STATUSES)
                figures.append(CycleFigure(cycle, service.reading(mine[0]), done))
            goal = first["goal"]
            moves.append(
                Movement(spec, goal.title, titles.get(goal.strategic_goal_id, ""), goal.target, tuple(figures))
            )
        return moves

    def _evaluation(self, cycle: Cycle) -> SelfEvaluation:
        return SelfEvaluation(self.store, cycle, self.evaluation.catalog, self.access)
