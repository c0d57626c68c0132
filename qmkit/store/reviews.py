"""The PDCA review as stored: Do/Check/Act per measure, PDCA-phase scores, management reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, update

from qmkit.domain.model import now_iso
from qmkit.domain.planning import MeasureStatus
from qmkit.domain.review import ActDecision, Effectiveness, ManagementReview, MeasureReview, PdcaScore
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import retrying
from qmkit.store.plans import change_field, columns


def review_row(row: Any) -> MeasureReview:
    return MeasureReview(
        measure_id=row.measure_id,
        done_text=row.done_text,
        done_on=row.done_on,
        actual=row.actual,
        effect_evidence=row.effect_evidence,
        effective=Effectiveness(row.effective) if row.effective else None,
        act=ActDecision(row.act) if row.act else None,
        act_note=row.act_note,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def management_row(row: Any) -> ManagementReview:
    return ManagementReview(
        id=row.id,
        cycle_id=row.cycle_id,
        held_on=row.held_on,
        participants=row.participants,
        inputs=row.inputs,
        decisions=row.decisions,
        next_review=row.next_review,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _status_after(field: str, value: Any) -> MeasureStatus | None:
    """ "wirksam: ja" makes the measure *wirksam*, "verwerfen" *verworfen*."""
    if field == "effective" and value == Effectiveness.JA:
        return MeasureStatus.WIRKSAM
    if field == "act" and value == ActDecision.VERWERFEN:
        return MeasureStatus.VERWORFEN
    return None


class Reviews:
    def __init__(self, db: Database):
        self.db = db

    def of_measure(self, measure_id: int) -> MeasureReview:
        table = t.measure_reviews
        with self.db.read() as conn:
            row = conn.execute(select(table).where(table.c.measure_id == measure_id)).first()
        return review_row(row) if row is not None else MeasureReview(measure_id)

    def of_cycle(self, cycle_id: int) -> dict[int, MeasureReview]:
        """Reviews of the cycle's measures by measure id (measures without one are missing)."""
        table, m = t.measure_reviews, t.measures
        query = select(table).join(m, m.c.id == table.c.measure_id).where(m.c.cycle_id == cycle_id)
        with self.db.read() as conn:
            return {r.measure_id: review_row(r) for r in conn.execute(query).all()}

    @retrying
    def set_field(
        self, measure_id: int, field: str, clean: dict[str, Any], status: MeasureStatus, user: str = ""
    ) -> MeasureReview:
        """Store one field of the checked Do/Check/Act ``clean``; the later save wins.

        "wirksam: ja" sets the measure's status (now ``status``) to *wirksam*, "verwerfen" to *verworfen*, in the
        same transaction.
        """
        stamp = now_iso()
        stored = columns(clean)[field]
        with self.db.write() as conn:
            changed = {field: stored, "changed_by": user, "changed_at": stamp}
            upsert(conn, t.measure_reviews, {"measure_id": measure_id}, changed, bump=True)
            new_status = _status_after(field, clean[field])
            if new_status is not None and new_status != status:
                mt = t.measures
                conn.execute(
                    update(mt)
                    .where(mt.c.id == measure_id)
                    .values(status=str(new_status), changed_by=user, changed_at=stamp, revision=mt.c.revision + 1)
                )
        return self.of_measure(measure_id)

    # ------------------------------------------------------------------ PDCA-phase scores (CAF style)

    def pdca_scores(self, cycle_id: int) -> dict[str, PdcaScore]:
        table = t.pdca_scores
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        return {
            r.target_id: PdcaScore(
                r.cycle_id,
                r.target_id,
                r.level,
                r.plan_score,
                r.do_score,
                r.check_score,
                r.act_score,
                r.changed_by,
                r.changed_at,
            )
            for r in rows
        }

    @retrying
    def set_pdca_score(
        self, cycle_id: int, target_id: str, field: str, number: int | None, user: str = ""
    ) -> PdcaScore:
        """Store one checked score 0–100 (``level`` or a phase) of an area or requirement."""
        column = field if field == "level" else f"{field}_score"
        values = {column: number, "changed_by": user, "changed_at": now_iso()}
        with self.db.write() as conn:
            upsert(conn, t.pdca_scores, {"cycle_id": cycle_id, "target_id": target_id}, values)
        return self.pdca_scores(cycle_id)[target_id]

    # ------------------------------------------------------------------ management reviews

    @retrying
    def add_management_review(self, cycle_id: int, clean: dict[str, Any], user: str = "") -> ManagementReview:
        with self.db.write() as conn:
            created = new_id(
                conn.execute(
                    insert(t.management_reviews).values(
                        cycle_id=cycle_id, changed_by=user, changed_at=now_iso(), **columns(clean)
                    )
                )
            )
        return self.management_review(created)

    def management_review(self, review_id: int) -> ManagementReview:
        table = t.management_reviews
        missing = _("Diese Managementbewertung gibt es nicht mehr.")
        return management_row(self.db.one(select(table).where(table.c.id == review_id), missing))

    def management_reviews(self, cycle_id: int) -> list[ManagementReview]:
        """The cycle's management reviews, the latest date first (undated ones first of all)."""
        table = t.management_reviews
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        found = [management_row(r) for r in rows]
        return sorted(found, key=lambda r: (r.held_on is not None, r.held_on or date.min, r.id), reverse=True)

    @retrying
    def update_management_review(
        self, review_id: int, field: str, clean: dict[str, Any], user: str = ""
    ) -> ManagementReview:
        with self.db.write() as conn:
            change_field(conn, t.management_reviews, review_id, field, clean, user)
        return self.management_review(review_id)

    @retrying
    def delete_management_review(self, review_id: int) -> None:
        with self.db.write() as conn:
            conn.execute(delete(t.management_reviews).where(t.management_reviews.c.id == review_id))
