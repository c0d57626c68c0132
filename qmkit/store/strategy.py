"""An institution's strategic goals (Leitziele) as stored; goals of every cycle refer to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update

from qmkit.domain.goal_data import StrategicGoal
from qmkit.domain.model import now_iso
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import retrying


def _row(row: Any) -> StrategicGoal:
    return StrategicGoal(
        row.id, row.institution_id, row.title, row.description, row.changed_by, row.changed_at, row.revision
    )


class Strategy:
    def __init__(self, db: Database):
        self.db = db

    def goals(self, institution_id: int) -> list[StrategicGoal]:
        """The institution's Leitziele in the order they were set."""
        table = t.strategic_goals
        query = select(table).where(table.c.institution_id == institution_id).order_by(table.c.id)
        with self.db.read() as conn:
            return [_row(r) for r in conn.execute(query).all()]

    def goal(self, goal_id: int) -> StrategicGoal:
        table = t.strategic_goals
        return _row(self.db.one(select(table).where(table.c.id == goal_id), _("Dieses Leitziel gibt es nicht mehr.")))

    @retrying
    def add(self, institution_id: int, clean: dict[str, Any], user: str = "") -> StrategicGoal:
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(t.strategic_goals).values(
                        institution_id=institution_id, changed_by=user, changed_at=now_iso(), **clean
                    )
                )
            )
        return self.goal(made)

    @retrying
    def update(self, goal_id: int, field: str, clean: dict[str, Any], user: str = "") -> StrategicGoal:
        table = t.strategic_goals
        with self.db.write() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == goal_id)
                .values(changed_by=user, changed_at=now_iso(), revision=table.c.revision + 1, **{field: clean[field]})
            )
        return self.goal(goal_id)

    def serving(self, goal_id: int) -> int:
        """How many goals (of every cycle) serve the Leitziel."""
        query = select(func.count()).select_from(t.goals).where(t.goals.c.strategic_goal_id == goal_id)
        with self.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    @retrying
    def delete(self, goal_id: int) -> int:
        """Delete a Leitziel; the goals that served it keep their texts and lose only the link (one transaction).
        Returns how many goals were unlinked."""
        with self.db.write() as conn:
            unlinked = conn.execute(
                update(t.goals).where(t.goals.c.strategic_goal_id == goal_id).values(strategic_goal_id=None)
            ).rowcount
            conn.execute(t.strategic_goals.delete().where(t.strategic_goals.c.id == goal_id))
        return int(unlinked or 0)
