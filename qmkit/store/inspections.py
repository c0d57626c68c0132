"""Collegial inspections as stored: focus topics, inspections, findings (one row per question, written as
``INSERT … ON CONFLICT DO UPDATE``: two peers typing at once never make two rows) and agreements, whose measure in
the host's plan is made in the same transaction under the agreement's row lock (a second click makes none).

The service (:mod:`qmkit.services.inspections`) checks every value and right first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from qmkit.domain.inspection import Finding, FocusTopic, Inspection, InspectionAgreement, InspectionStatus
from qmkit.domain.model import now_iso
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import inspection_tables as it
from qmkit.store import network_tables as nt
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import retrying
from qmkit.store.plans import insert_measure


def _topic(row: Any) -> FocusTopic:
    return FocusTopic(row.id, row.network_id, row.round_id, row.title, tuple(row.questions), row.position)


def _inspection(row: Any) -> Inspection:
    return Inspection(
        row.id,
        row.network_id,
        row.round_id,
        row.host_member_id,
        row.day,
        row.place,
        row.agenda,
        tuple(int(p) for p in row.peers),
        tuple(str(n) for n in row.peer_names),
        tuple(int(d) for d in row.documents),
        InspectionStatus(row.status),
        row.statement,
        row.changed_by,
        row.changed_at,
    )


def _agreement(row: Any) -> InspectionAgreement:
    return InspectionAgreement(
        row.id, row.inspection_id, row.text, row.responsible, row.due, row.cycle_id, row.measure_id
    )


class Inspections:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ focus topics

    def topics(self, round_id: int) -> list[FocusTopic]:
        tt = it.inspection_topics
        with self.db.read() as conn:
            rows = conn.execute(select(tt).where(tt.c.round_id == round_id).order_by(tt.c.position, tt.c.id)).all()
        return [_topic(r) for r in rows]

    @retrying
    def add_topic(self, network_id: int, round_id: int, clean: dict[str, Any], by: str) -> FocusTopic:
        tt = it.inspection_topics
        with self.db.write() as conn:
            same = conn.execute(select(tt.c.id).where(tt.c.round_id == round_id, tt.c.title == clean["title"]))
            if same.first() is not None:
                raise InputError(
                    _("Das Thema „{title}“ gibt es in dieser Runde schon.").format(title=clean["title"]), "title"
                )
            count = len(conn.execute(select(tt.c.id).where(tt.c.round_id == round_id)).all())
            made = new_id(
                conn.execute(
                    insert(tt).values(
                        network_id=network_id, round_id=round_id, position=count, changed_by=by, changed_at=now_iso(),
                        **clean,
                    )
                )
            )  # fmt: skip
            return _topic(conn.execute(select(tt).where(tt.c.id == made)).one())

    @retrying
    def remove_topic(self, topic_id: int) -> None:
        f = it.inspection_findings
        with self.db.write() as conn:
            if conn.execute(select(f.c.id).where(f.c.topic_id == topic_id).limit(1)).first() is not None:
                raise InputError(_("Zu diesem Thema gibt es schon Beobachtungen; es bleibt."), "topic")
            conn.execute(delete(it.inspection_topics).where(it.inspection_topics.c.id == topic_id))

    # ------------------------------------------------------------------ inspections

    def of_round(self, round_id: int) -> list[Inspection]:
        i = it.inspections
        with self.db.read() as conn:
            rows = conn.execute(select(i).where(i.c.round_id == round_id).order_by(i.c.day, i.c.id)).all()
        return [_inspection(r) for r in rows]

    def of_host(self, host_member_id: int) -> list[Inspection]:
        i = it.inspections
        with self.db.read() as conn:
            rows = conn.execute(select(i).where(i.c.host_member_id == host_member_id).order_by(i.c.day)).all()
        return [_inspection(r) for r in rows]

    def held_by(self, institution_id: int) -> list[Any]:
        """The days of the inspections an institution hosted (as a member of any network) that took place."""
        i, members = it.inspections, nt.network_members
        done = (InspectionStatus.DURCHGEFUEHRT.value, InspectionStatus.ABGESCHLOSSEN.value)
        query = (
            select(i.c.day)
            .join(members, members.c.id == i.c.host_member_id)
            .where(members.c.institution_id == institution_id, i.c.status.in_(done))
        )
        with self.db.read() as conn:
            return [row.day for row in conn.execute(query)]

    def get(self, inspection_id: int) -> Inspection:
        i = it.inspections
        return _inspection(self.db.one(select(i).where(i.c.id == inspection_id), _("Diese Begehung gibt es nicht.")))

    @retrying
    def add(self, network_id: int, round_id: int, clean: dict[str, Any], by: str) -> Inspection:
        """A new inspection; a host has one per round (the unique key refuses a second, also at the same moment)."""
        i = it.inspections
        row = {**clean, "network_id": network_id, "round_id": round_id, "changed_by": by, "changed_at": now_iso()}
        make = postgresql.insert if self.db.engine.dialect.name == "postgresql" else sqlite.insert
        stmt = make(i).values(row).on_conflict_do_nothing(index_elements=["round_id", "host_member_id"])
        with self.db.write() as conn:
            made = conn.execute(stmt.returning(i.c.id)).first()
        if made is None:
            raise InputError(_("Diese Einrichtung hat in dieser Runde schon eine Begehung."), "host_member_id")
        return self.get(made[0])

    @retrying
    def update(self, inspection_id: int, values: dict[str, Any], by: str) -> Inspection:
        i = it.inspections
        with self.db.write() as conn:
            conn.execute(update(i).where(i.c.id == inspection_id).values(changed_by=by, changed_at=now_iso(), **values))
        return self.get(inspection_id)

    # ------------------------------------------------------------------ findings

    def findings(self, inspection_id: int) -> list[Finding]:
        f = it.inspection_findings
        with self.db.read() as conn:
            rows = conn.execute(select(f).where(f.c.inspection_id == inspection_id).order_by(f.c.id)).all()
        return [
            Finding(r.inspection_id, r.topic_id, r.question, r.seen, r.strengths, r.suggestions, r.changed_by)
            for r in rows
        ]

    @retrying
    def write_finding(self, inspection_id: int, topic_id: int, question: int, field: str, text: str, by: str) -> None:
        """One field of one question, saved as typed: ``INSERT … ON CONFLICT DO UPDATE`` of that field only."""
        keys = {"inspection_id": inspection_id, "topic_id": topic_id, "question": question}
        with self.db.write() as conn:
            upsert(conn, it.inspection_findings, keys, {field: text, "changed_by": by, "changed_at": now_iso()})

    # ------------------------------------------------------------------ agreements

    def agreements(self, inspection_id: int) -> list[InspectionAgreement]:
        a = it.inspection_agreements
        with self.db.read() as conn:
            rows = conn.execute(select(a).where(a.c.inspection_id == inspection_id).order_by(a.c.id)).all()
        return [_agreement(r) for r in rows]

    def agreement(self, agreement_id: int) -> InspectionAgreement:
        a = it.inspection_agreements
        return _agreement(self.db.one(select(a).where(a.c.id == agreement_id), _("Diese Vereinbarung gibt es nicht.")))

    @retrying
    def add_agreement(self, inspection_id: int, clean: dict[str, Any], by: str) -> InspectionAgreement:
        a = it.inspection_agreements
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(a).values(inspection_id=inspection_id, changed_by=by, changed_at=now_iso(), **clean)
                )
            )
        return self.agreement(made)

    @retrying
    def to_plan(self, agreement_id: int, cycle_id: int, measure: dict[str, Any], by: str) -> int:
        """Make the agreement a measure in ``cycle_id``; under the agreement's row lock, so only once."""
        a = it.inspection_agreements
        with self.db.write() as conn:
            current = conn.execute(select(a).where(a.c.id == agreement_id).with_for_update()).one()
            if current.measure_id is not None:
                title = conn.execute(select(t.measures.c.title).where(t.measures.c.id == current.measure_id)).scalar()
                raise InputError(
                    _("Diese Vereinbarung steht schon im Plan: Maßnahme „{title}“.").format(title=title or "–"),
                    "agreement",
                )
            stamp = now_iso()
            made = insert_measure(conn, cycle_id, by, measure, stamp)
            conn.execute(
                update(a)
                .where(a.c.id == agreement_id)
                .values(cycle_id=cycle_id, measure_id=made, changed_by=by, changed_at=stamp)
            )
            return made

    def measure_status(self, measure_ids: list[int]) -> dict[int, tuple[str, str]]:
        """Measure id → (title, status) for the follow-up."""
        m = t.measures
        if not measure_ids:
            return {}
        with self.db.read() as conn:
            rows = conn.execute(select(m.c.id, m.c.title, m.c.status).where(m.c.id.in_(measure_ids))).all()
        return {r.id: (r.title, r.status) for r in rows}
