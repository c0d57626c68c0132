"""Answers carried between cycles, each in one transaction: a new cycle started from the previous one, and a cycle
prefilled from a cycle of another catalog (what to carry is the service's call)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import Assessment, Cycle, now_iso
from qmkit.store import tables as t
from qmkit.store.assessments import Assessments, bump
from qmkit.store.cycles import Cycles, unique_cycle_name
from qmkit.store.engine import Database
from qmkit.store.evidence import Evidence
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

    @retrying
    def prefill(
        self,
        cycle_id: int,
        ratings: dict[str, str],
        to_check: set[str],
        documents: dict[str, list[int]],
        user: str = "",
    ) -> tuple[list[str], int]:
        """Answers carried over from a cycle of another catalog, in one transaction: each (checked) rating only where
        the requirement has none yet – whoever rated it meanwhile keeps their value –, marked "to confirm" where
        ``to_check``; the documents only where the requirement has none yet. Returns the requirements rated and the
        number of links made."""
        stamp = now_iso()
        a, links, marks = t.assessments, t.evidence_links, t.baseline_marks
        with self.db.write() as conn:
            rated = set(
                conn.execute(
                    select(a.c.requirement_id).where(a.c.cycle_id == cycle_id, a.c.rating.is_not(None))
                ).scalars()
            )
            with_documents = set(
                conn.execute(select(links.c.requirement_id).where(links.c.cycle_id == cycle_id)).scalars()
            )
            marked = set(conn.execute(select(marks.c.requirement_id).where(marks.c.cycle_id == cycle_id)).scalars())
            linked = 0
            for req_id, document_ids in documents.items():
                if req_id in with_documents:
                    continue
                for document_id in document_ids:
                    Evidence.insert_link(conn, cycle_id, req_id, document_id, user, stamp)
                    linked += 1
            written = [req_id for req_id in ratings if req_id not in rated]
            for req_id in written:
                bump(conn, cycle_id, req_id, {"rating": ratings[req_id], "changed_by": user, "changed_at": stamp})
            # a link or rating clears a mark (a change confirms); a mark made before and the new suggestions stay
            still = set(conn.execute(select(marks.c.requirement_id).where(marks.c.cycle_id == cycle_id)).scalars())
            for req_id in sorted((marked | (to_check & set(written))) - still):
                conn.execute(insert(marks).values(cycle_id=cycle_id, requirement_id=req_id))
        return written, linked
