"""A new cycle started from the previous one, written in one transaction (what to carry is the service's call)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import Assessment, Cycle, now_iso
from qmkit.store import tables as t
from qmkit.store.assessments import Assessments
from qmkit.store.cycles import Cycles, unique_cycle_name
from qmkit.store.engine import Database
from qmkit.store.failures import retrying
from qmkit.store.plans import Plans
from qmkit.store.timeline import Timelines


class CarryOver:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def start_next(
        self,
        previous: Cycle,
        name: str,
        catalog: Catalog,
        answers: dict[str, Assessment],
        goals: list[dict[str, Any]],
        measures: list[dict[str, Any]],
        user: str = "",
    ) -> int:
        """The new cycle with the given answers (marked "to confirm"), goals and measures (checked values with the
        old ``id``), the certificate and the deadlines' dates of ``previous``; a failure leaves nothing behind."""
        stamp = now_iso()
        with unique_cycle_name(name), self.db.write() as conn:
            created = Cycles.insert(conn, previous.institution_id, name, catalog, stamp)
            conn.execute(
                insert(t.cycle_origins).values(
                    cycle_id=created, previous_cycle_id=previous.id, created_by=user, created_at=stamp
                )
            )
            Assessments.copy(conn, answers, created, user, stamp)
            Plans.copy(conn, goals, measures, created, user, stamp)
            Timelines.copy(conn, previous.id, created, user, stamp)
        return created
