"""The answers of a self-evaluation (one row per cycle and requirement) and the marks of copied answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from qmkit.domain.model import Assessment, EvidenceRef, now_iso
from qmkit.store import tables as t
from qmkit.store.cycles import touch
from qmkit.store.engine import Database, upsert
from qmkit.store.failures import retrying
from qmkit.store.links import link_query, link_row

FIELDS = ("rating", "implementation", "responsible")


def bump(conn: Connection, cycle_id: int, requirement_id: str, values: dict[str, Any]) -> None:
    """Write ``values`` into the assessment row (creating it), raise its revision, touch the cycle.

    Every change of a requirement's answers or evidence goes through here: it also clears the mark of an
    answer copied from the previous cycle (a change confirms it).
    """
    upsert(conn, t.assessments, {"cycle_id": cycle_id, "requirement_id": requirement_id}, values, bump=True)
    marks = t.baseline_marks
    conn.execute(delete(marks).where(marks.c.cycle_id == cycle_id, marks.c.requirement_id == requirement_id))
    touch(conn, cycle_id, values["changed_at"])


def _assessment(cycle_id: int, row: Any, refs: tuple[EvidenceRef, ...]) -> Assessment:
    return Assessment(
        cycle_id=cycle_id,
        requirement_id=row.requirement_id,
        rating=row.rating,
        implementation=row.implementation,
        responsible=row.responsible,
        evidence=refs,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


class Assessments:
    def __init__(self, db: Database):
        self.db = db

    def of_cycle(self, cycle_id: int) -> dict[str, Assessment]:
        """Every stored assessment of a cycle by requirement id, with its evidence references."""
        with self.db.read() as conn:
            rows = conn.execute(select(t.assessments).where(t.assessments.c.cycle_id == cycle_id)).all()
            ev_rows = conn.execute(link_query().where(t.evidence_links.c.cycle_id == cycle_id)).all()
        evidence: dict[str, list[EvidenceRef]] = {}
        for ev in ev_rows:
            evidence.setdefault(ev.requirement_id, []).append(link_row(ev))
        result = {r.requirement_id: _assessment(cycle_id, r, tuple(evidence.pop(r.requirement_id, []))) for r in rows}
        for req_id, refs in evidence.items():  # evidence without any other answer yet
            result[req_id] = Assessment(cycle_id=cycle_id, requirement_id=req_id, evidence=tuple(refs))
        return result

    def get(self, cycle_id: int, requirement_id: str) -> Assessment:
        """The assessment of one requirement (an empty one when nothing is stored yet)."""
        a, links = t.assessments, t.evidence_links
        with self.db.read() as conn:
            row = conn.execute(select(a).where(a.c.cycle_id == cycle_id, a.c.requirement_id == requirement_id)).first()
            ev_rows = conn.execute(
                link_query().where(links.c.cycle_id == cycle_id, links.c.requirement_id == requirement_id)
            ).all()
        refs = tuple(link_row(e) for e in ev_rows)
        if row is None:
            return Assessment(cycle_id=cycle_id, requirement_id=requirement_id, evidence=refs)
        return _assessment(cycle_id, row, refs)

    @retrying
    def set_field(
        self, cycle_id: int, requirement_id: str, field: str, value: str | None, user: str = ""
    ) -> Assessment:
        """Store one (checked) field of one assessment in its own transaction; the later save wins."""
        if field not in FIELDS:
            raise ValueError(f"unknown assessment field {field!r}")
        with self.db.write() as conn:
            bump(conn, cycle_id, requirement_id, {field: value, "changed_by": user, "changed_at": now_iso()})
        return self.get(cycle_id, requirement_id)

    @retrying
    def rate_all(self, cycle_id: int, ratings: dict[str, str], user: str = "") -> None:
        """Store many (checked) ratings of one cycle in one transaction (a demo, a whole round at once)."""
        stamp = now_iso()
        with self.db.write() as conn:
            for requirement_id, value in ratings.items():
                bump(conn, cycle_id, requirement_id, {"rating": value, "changed_by": user, "changed_at": stamp})

    def to_confirm(self, cycle_id: int) -> set[str]:
        """Requirements whose answers were copied from the previous cycle and not yet confirmed or changed."""
        table = t.baseline_marks
        with self.db.read() as conn:
            return set(conn.execute(select(table.c.requirement_id).where(table.c.cycle_id == cycle_id)).scalars())

    @retrying
    def confirm(self, cycle_id: int, requirement_id: str, user: str = "") -> Assessment:
        """The copied answer is still true: remove the mark (and record who confirmed when)."""
        with self.db.write() as conn:
            bump(conn, cycle_id, requirement_id, {"changed_by": user, "changed_at": now_iso()})
        return self.get(cycle_id, requirement_id)

    @staticmethod
    def copy(conn: Connection, answers: dict[str, Assessment], cycle_id: int, user: str, stamp: str) -> None:
        """Copy answers and their evidence links into a new cycle, each marked "to confirm"."""
        for req_id, a in answers.items():
            values = {"rating": a.rating, "implementation": a.implementation, "responsible": a.responsible}
            conn.execute(
                insert(t.assessments).values(
                    cycle_id=cycle_id, requirement_id=req_id, changed_by=user, changed_at=stamp, revision=1, **values
                )
            )
            for ev in a.evidence:  # the same register documents serve the new cycle
                conn.execute(
                    insert(t.evidence_links).values(
                        cycle_id=cycle_id,
                        requirement_id=req_id,
                        document_id=ev.document.id,
                        position=ev.position,
                        linked_by=user,
                        linked_at=stamp,
                    )
                )
            conn.execute(insert(t.baseline_marks).values(cycle_id=cycle_id, requirement_id=req_id))
