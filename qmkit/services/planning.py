"""The quality plan of one cycle, checked: goals, measures (also one click from a gap), the management's sign-off.

Pages and the CLI change the plan only here; every value is checked as part of its whole record before the
store sees it, and a goal or measure of another cycle is refused as if it did not exist.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.goal_data import DATA_FIELDS, spec_of
from qmkit.domain.planning import Gap, Goal, Measure, check_goal, check_measure, find_gaps, recheck
from qmkit.domain.review import SignOff, check_signoff
from qmkit.domain.text import number_text
from qmkit.errors import NotFoundError
from qmkit.i18n import _
from qmkit.services.access import needs
from qmkit.services.goal_data import GoalData
from qmkit.services.selfeval import CycleWork
from qmkit.store.plans import GOAL_FIELDS, MEASURE_FIELDS


class Planning(CycleWork):
    """Goals, measures and the sign-off of one cycle's quality plan."""

    # ------------------------------------------------------------------ goals

    def goals(self) -> list[Goal]:
        return self.store.plans.goals(self.cycle.id)

    def goal(self, goal_id: int) -> Goal:
        goal = self.store.plans.goal(int(goal_id))
        if goal.cycle_id != self.cycle.id:
            raise NotFoundError(_("Dieses Ziel gibt es nicht mehr."))
        return goal

    @needs(Right.EDIT)
    def add_goal(self, user: str = "", **values: Any) -> Goal:
        """A new goal after checking it (title required, numbers for numeric indicators); one that follows the data
        (``data_indicator`` …) gets its baseline from it as in :meth:`update_goal`."""
        clean = check_goal(values)
        if clean["strategic_goal_id"] is not None or clean["data_indicator"]:
            self._link(clean, None)
        return self.store.plans.add_goal(self.cycle.id, clean, self.access.author(user))

    @needs(Right.EDIT)
    def update_goal(self, goal_id: int, field: str, value: Any, user: str = "") -> Goal:
        """Change one field; the whole goal is checked again. The later save wins.

        A Leitziel must be the institution's; a change of the data link (indicator, district, target group, baseline
        year) is checked against the cycle's data and fills the baseline from it (the newest year unless a year is
        chosen) – and the indicator's text while it is empty or the one the data gave."""
        current = self.goal(goal_id)
        clean = recheck(current, GOAL_FIELDS, field, value, check_goal)
        also: list[str] = []
        if field == "strategic_goal_id" or field in DATA_FIELDS:
            linked = self._link(clean, current)
            also = ["data_year", "baseline", "numeric", "indicator"] if linked and field in DATA_FIELDS else []
        return self.store.plans.update_goal(current.id, field, clean, self.access.author(user), *also)

    @cached_property
    def goal_data(self) -> GoalData:
        """The data behind goals (read once per page; :meth:`OffersNeeds.frames` reads again when the data changes)."""
        return GoalData(self.evaluation)

    def _link(self, clean: dict[str, Any], current: Goal | None) -> bool:
        """Check the goal's Leitziel and data link; fill the baseline (and the data's text) from the data. Returns
        whether the goal follows the data."""
        reading = self.goal_data.check_link(clean)
        if reading is None:
            return False
        clean["data_year"] = reading.year if clean["data_year"] is None else clean["data_year"]
        clean["baseline"] = number_text(reading.series.get(clean["data_year"]))
        before = spec_of(current) if current is not None else None
        if clean["indicator"] in ("", before.text()[:300] if before else ""):  # a text the data gave follows it
            clean["indicator"] = reading.spec.text()[:300]
        return True

    @needs(Right.EDIT)
    def delete_goal(self, goal_id: int) -> None:
        """Delete a goal no measure refers to (otherwise a German message says how many do)."""
        self.store.plans.delete_goal(self.goal(goal_id).id)

    # ------------------------------------------------------------------ measures

    def measures(self) -> list[Measure]:
        """The cycle's measures by due date (those without a date last)."""
        return self.store.plans.measures(self.cycle.id)

    def measure(self, measure_id: int) -> Measure:
        measure = self.store.plans.measure(int(measure_id))
        if measure.cycle_id != self.cycle.id:
            raise NotFoundError(_("Diese Maßnahme gibt es nicht mehr."))
        return measure

    @needs(Right.EDIT)
    def add_measure(self, user: str = "", **values: Any) -> Measure:
        """A new measure after checking it (title and responsible person required, due after start)."""
        return self.store.plans.add_measure(self.cycle.id, check_measure(values), self.access.author(user))

    @needs(Right.EDIT)
    def update_measure(self, measure_id: int, field: str, value: Any, user: str = "") -> Measure:
        """Change one field of a measure; the whole measure is checked again. The later save wins."""
        current = self.measure(measure_id)
        clean = recheck(current, MEASURE_FIELDS, field, value, check_measure)
        return self.store.plans.update_measure(current, field, clean, self.access.author(user))

    def gaps(self) -> list[Gap]:
        """The gaps of the self-evaluation (rated below "met", or required evidence missing)."""
        return find_gaps(self.catalog, self.evaluation.assessments())

    def measure_from_gap(self, gap: Gap, responsible: str, user: str = "") -> Measure:
        """One click from a gap of the self-evaluation to a planned measure for that requirement."""
        return self.add_measure(
            user,
            title=_("{id} {title}: Lücke schließen").format(id=gap.requirement_id, title=gap.title)[:200],
            description=_("Aus der Selbstbewertung: {reason}.").format(reason=gap.reason),
            requirement_ids=(gap.requirement_id,),
            responsible=responsible,
        )

    # ------------------------------------------------------------------ sign-off

    @needs(Right.SIGN_OFF)
    def sign_off(self, name: Any, signed_on: Any, note: Any = "") -> SignOff:
        """Record the management's sign-off of the plan (earlier sign-offs stay as history)."""
        return self.store.plans.sign_off(self.cycle.id, check_signoff(name, signed_on, note))

    def signoffs(self) -> list[SignOff]:
        """Sign-offs of the plan, the latest first."""
        return self.store.plans.signoffs(self.cycle.id)

    def changed_since(self, stamp: str) -> int:
        """How many goals and measures were changed after ``stamp`` (e.g. the last sign-off)."""
        return self.store.plans.changed_since(self.cycle.id, stamp)
