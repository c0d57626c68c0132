"""The quality plan as stored: goals, measures, the management's sign-offs and where carried measures came from."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from qmkit.domain.goal_data import DATA_FIELDS
from qmkit.domain.model import now_iso
from qmkit.domain.planning import Goal, GoalKind, Measure, MeasureStatus
from qmkit.domain.review import SignOff
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import retrying

GOAL_FIELDS = (
    "title",
    "kind",
    "why",
    "indicator",
    "numeric",
    "baseline",
    "target",
    "target_date",
    "requirement_ids",
    "strategic_goal_id",
    *DATA_FIELDS,
)
MEASURE_FIELDS = (
    "title",
    "description",
    "responsible",
    "effort",
    "status",
    "start",
    "due",
    "goal_id",
    "requirement_ids",
)


def columns(clean: dict[str, Any]) -> dict[str, Any]:
    """Checked plan fields as table columns (requirement ids as a list, enums as their values)."""
    out = dict(clean)
    if "requirement_ids" in out:
        out["requirement_ids"] = list(out["requirement_ids"])
    for key in ("kind", "status", "effective", "act"):
        if out.get(key) is not None:
            out[key] = str(out[key])
    return out


def change_field(conn: Connection, table: Any, record_id: int, field: str, clean: dict[str, Any], user: str) -> None:
    """Write one checked field of a goal, measure or review; revision and who/when follow. The later save wins."""
    conn.execute(
        update(table)
        .where(table.c.id == record_id)
        .values(changed_by=user, changed_at=now_iso(), revision=table.c.revision + 1, **{field: columns(clean)[field]})
    )


def goal_row(row: Any) -> Goal:
    return Goal(
        id=row.id,
        cycle_id=row.cycle_id,
        title=row.title,
        kind=GoalKind(row.kind),
        why=row.why,
        indicator=row.indicator,
        numeric=bool(row.numeric),
        baseline=row.baseline,
        target=row.target,
        target_date=row.target_date,
        requirement_ids=tuple(row.requirement_ids),
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
        strategic_goal_id=row.strategic_goal_id,
        data_indicator=row.data_indicator,
        data_district=row.data_district,
        data_group=row.data_group,
        data_year=row.data_year,
    )


def measure_row(row: Any) -> Measure:
    return Measure(
        id=row.id,
        cycle_id=row.cycle_id,
        goal_id=row.goal_id,
        title=row.title,
        description=row.description,
        requirement_ids=tuple(row.requirement_ids),
        responsible=row.responsible,
        start=row.start,
        due=row.due,
        status=MeasureStatus(row.status),
        effort=row.effort,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def insert_measure(conn: Connection, cycle_id: int, user: str, clean: dict[str, Any], stamp: str = "") -> int:
    """A checked measure into the plan of ``cycle_id``; its goal must belong to the same cycle."""
    goal_id = clean.get("goal_id")
    if goal_id is not None:
        found = conn.execute(select(t.goals.c.id).where(t.goals.c.id == goal_id, t.goals.c.cycle_id == cycle_id))
        if found.first() is None:
            raise InputError(_("Dieses Ziel gibt es in diesem Zyklus nicht."), "goal_id")
    values = columns(clean)
    return new_id(
        conn.execute(
            insert(t.measures).values(cycle_id=cycle_id, changed_by=user, changed_at=stamp or now_iso(), **values)
        )
    )


class Plans:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ goals

    @retrying
    def add_goal(self, cycle_id: int, clean: dict[str, Any], user: str = "") -> Goal:
        """Store a new, checked goal."""
        with self.db.write() as conn:
            created = new_id(
                conn.execute(
                    insert(t.goals).values(cycle_id=cycle_id, changed_by=user, changed_at=now_iso(), **columns(clean))
                )
            )
        return self.goal(created)

    def goal(self, goal_id: int) -> Goal:
        missing = _("Dieses Ziel gibt es nicht mehr.")
        return goal_row(self.db.one(select(t.goals).where(t.goals.c.id == goal_id), missing))

    def goals(self, cycle_id: int) -> list[Goal]:
        table = t.goals
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id).order_by(table.c.id)).all()
        return [goal_row(r) for r in rows]

    @retrying
    def update_goal(self, goal_id: int, field: str, clean: dict[str, Any], user: str = "", *also: str) -> Goal:
        """Store one field of the checked goal ``clean`` (and the fields ``also`` that follow from it, in the same
        statement: the baseline read from the data with the data link)."""
        values = columns(clean)
        with self.db.write() as conn:
            conn.execute(
                update(t.goals)
                .where(t.goals.c.id == goal_id)
                .values(
                    changed_by=user,
                    changed_at=now_iso(),
                    revision=t.goals.c.revision + 1,
                    **{name: values[name] for name in (field, *also)},
                )
            )
        return self.goal(goal_id)

    @retrying
    def delete_goal(self, goal_id: int) -> None:
        """Delete a goal that no measure refers to; otherwise say how many measures still do (one transaction)."""
        with self.db.write() as conn:
            linked = conn.execute(
                select(func.count()).select_from(t.measures).where(t.measures.c.goal_id == goal_id)
            ).scalar_one()
            if linked:
                raise InputError(
                    _(
                        "Zu diesem Ziel gehören noch {n} Maßnahmen. Bitte sie zuerst einem anderen Ziel zuordnen "
                        "oder löschen."
                    ).format(n=linked),
                    "goal_id",
                )
            conn.execute(delete(t.goals).where(t.goals.c.id == goal_id))

    # ------------------------------------------------------------------ measures

    @retrying
    def add_measure(self, cycle_id: int, clean: dict[str, Any], user: str = "") -> Measure:
        """Store a new, checked measure (its goal is checked to be of the same cycle in the transaction)."""
        with self.db.write() as conn:
            created = insert_measure(conn, cycle_id, user, clean)
        return self.measure(created)

    def measure(self, measure_id: int) -> Measure:
        missing = _("Diese Maßnahme gibt es nicht mehr.")
        return measure_row(self.db.one(select(t.measures).where(t.measures.c.id == measure_id), missing))

    def measures(self, cycle_id: int) -> list[Measure]:
        """The measures of a cycle by due date (those without a date last)."""
        with self.db.read() as conn:
            rows = conn.execute(select(t.measures).where(t.measures.c.cycle_id == cycle_id)).all()
        found = [measure_row(r) for r in rows]
        return sorted(found, key=lambda m: (m.due is None, m.due or date.max, m.id))

    @retrying
    def update_measure(self, measure: Measure, field: str, clean: dict[str, Any], user: str = "") -> Measure:
        """Store one field of the checked measure ``clean`` (a new goal must be of the measure's cycle)."""
        with self.db.write() as conn:
            goal_id = clean.get("goal_id")
            if field == "goal_id" and goal_id is not None:
                query = select(t.goals.c.id).where(t.goals.c.id == goal_id, t.goals.c.cycle_id == measure.cycle_id)
                if conn.execute(query).first() is None:
                    raise InputError(_("Dieses Ziel gibt es in diesem Zyklus nicht."), "goal_id")
            change_field(conn, t.measures, measure.id, field, clean, user)
        return self.measure(measure.id)

    def origins(self, cycle_id: int) -> dict[int, int]:
        """Carried-over measures of the cycle: new measure id → the previous cycle's measure id."""
        table, m = t.measure_origins, t.measures
        with self.db.read() as conn:
            rows = conn.execute(
                select(table.c.measure_id, table.c.from_measure_id)
                .join(m, m.c.id == table.c.measure_id)
                .where(m.c.cycle_id == cycle_id)
            ).all()
        return {r.measure_id: r.from_measure_id for r in rows}

    # ------------------------------------------------------------------ sign-off

    @retrying
    def sign_off(self, cycle_id: int, clean: dict[str, Any]) -> SignOff:
        """Record the management's sign-off of the cycle's plan (earlier sign-offs stay as history)."""
        with self.db.write() as conn:
            created = new_id(
                conn.execute(insert(t.plan_signoffs).values(cycle_id=cycle_id, recorded_at=now_iso(), **columns(clean)))
            )
        return next(s for s in self.signoffs(cycle_id) if s.id == created)

    def signoffs(self, cycle_id: int) -> list[SignOff]:
        """Sign-offs of the plan, the latest first."""
        table = t.plan_signoffs
        query = (
            select(table).where(table.c.cycle_id == cycle_id).order_by(table.c.recorded_at.desc(), table.c.id.desc())
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [SignOff(r.id, r.cycle_id, r.name, r.signed_on, r.note, r.recorded_at) for r in rows]

    def changed_since(self, cycle_id: int, stamp: str) -> int:
        """How many goals and measures of the cycle were changed after ``stamp`` (e.g. the last sign-off)."""
        with self.db.read() as conn:
            return sum(
                conn.execute(
                    select(func.count()).select_from(tb).where(tb.c.cycle_id == cycle_id, tb.c.changed_at > stamp)
                ).scalar_one()
                for tb in (t.goals, t.measures)
            )

    @staticmethod
    def copy(
        conn: Connection,
        goals: list[dict[str, Any]],
        measures: list[dict[str, Any]],
        cycle_id: int,
        user: str,
        stamp: str,
    ) -> None:
        """Goals and measures carried into a new cycle (checked values with ``id`` and ``goal_id`` of the old)."""
        goal_map: dict[int, int] = {}
        for g in goals:
            values = columns({k: v for k, v in g.items() if k != "id"})
            goal_map[g["id"]] = new_id(
                conn.execute(insert(t.goals).values(cycle_id=cycle_id, changed_by=user, changed_at=stamp, **values))
            )
        for m in measures:
            clean = {k: v for k, v in m.items() if k != "id"}
            clean["goal_id"] = goal_map.get(m["goal_id"]) if m["goal_id"] else None
            created = insert_measure(conn, cycle_id, user, clean, stamp)
            conn.execute(insert(t.measure_origins).values(measure_id=created, from_measure_id=m["id"]))
