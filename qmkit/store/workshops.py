"""Rating workshops as stored: the workshop, its participants, their answers, dot counts and the consensus."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from qmkit.domain.model import now_iso
from qmkit.domain.workshop import Consensus, Participant, Workshop, WorkshopRating, new_join_code, new_token
from qmkit.errors import StoreError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.assessments import bump
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import WriteCollision, retrying


def _workshop(row: Any) -> Workshop:
    return Workshop(
        id=row.id,
        cycle_id=row.cycle_id,
        title=row.title,
        held_on=row.held_on,
        requirement_ids=tuple(row.requirement_ids),
        token=row.token,
        facilitator_token=row.facilitator_token,
        join_code=row.join_code,
        named=bool(row.named),
        threshold=row.threshold,
        created_at=row.created_at,
    )


def _participant(row: Any) -> Participant:
    return Participant(row.id, row.workshop_id, row.key, row.display_name, row.role_group)


class Workshops:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def create(self, cycle_id: int, clean: dict[str, Any]) -> Workshop:
        """A checked workshop with fresh random tokens and a short join code (drawn again on a collision)."""
        for _attempt in range(5):
            try:
                with self.db.write() as conn:
                    created = new_id(
                        conn.execute(
                            insert(t.workshops).values(
                                cycle_id=cycle_id,
                                title=clean["title"],
                                held_on=clean["held_on"],
                                requirement_ids=list(clean["requirement_ids"]),
                                token=new_token(),
                                facilitator_token=new_token(),
                                join_code=new_join_code(),
                                named=clean["named"],
                                threshold=clean["threshold"],
                                created_at=now_iso(),
                            )
                        )
                    )
                return self.get(created)
            except WriteCollision as exc:
                if not exc.duplicate:
                    raise
                continue
        raise StoreError(_("Es konnte kein eindeutiger Beitrittscode erzeugt werden. Bitte erneut versuchen."))

    def find(self, where: Any, missing: str) -> Workshop:
        """The workshop matching ``where`` (a condition on the workshops table), else ``missing`` as error."""
        return _workshop(self.db.one(select(t.workshops).where(where), missing))

    def get(self, workshop_id: int) -> Workshop:
        return self.find(t.workshops.c.id == workshop_id, _("Diesen Workshop gibt es nicht."))

    def by_token(self, token: str, missing: str) -> Workshop:
        return self.find(t.workshops.c.token == token, missing)

    def by_facilitator_token(self, token: str, missing: str) -> Workshop:
        return self.find(t.workshops.c.facilitator_token == token, missing)

    def by_code(self, code: str, missing: str) -> Workshop:
        return self.find(t.workshops.c.join_code == code, missing)

    def of_cycle(self, cycle_id: int) -> list[Workshop]:
        table = t.workshops
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id).order_by(table.c.id)).all()
        return [_workshop(r) for r in rows]

    # ------------------------------------------------------------------ participants

    @retrying
    def add_participant(self, workshop_id: int, key: str, name: str, role: str) -> Participant | None:
        """A new participant with ``key``; ``None`` when the key is taken (joined twice at once, or another's)."""
        try:
            with self.db.write() as conn:
                created = new_id(
                    conn.execute(
                        insert(t.workshop_participants).values(
                            workshop_id=workshop_id, key=key, display_name=name, role_group=role, joined_at=now_iso()
                        )
                    )
                )
        except WriteCollision as exc:
            if not exc.duplicate:
                raise
            return None
        return Participant(created, workshop_id, key, name, role)

    def participant(self, workshop_id: int, key: str) -> Participant | None:
        table = t.workshop_participants
        with self.db.read() as conn:
            row = conn.execute(select(table).where(table.c.key == key, table.c.workshop_id == workshop_id)).first()
        return _participant(row) if row is not None else None

    def participants(self, workshop_id: int) -> list[Participant]:
        table = t.workshop_participants
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.workshop_id == workshop_id).order_by(table.c.id)).all()
        return [_participant(r) for r in rows]

    # ------------------------------------------------------------------ answers, dots, consensus

    def answers_of(self, participant: Participant) -> dict[str, WorkshopRating]:
        """What one participant has answered so far (to continue after reconnecting)."""
        table = t.workshop_ratings
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.participant_id == participant.id)).all()
        return {
            r.requirement_id: WorkshopRating(
                participant.id, r.requirement_id, r.value, r.comment, participant.role_group
            )
            for r in rows
        }

    @retrying
    def rate(self, participant: Participant, requirement_id: str, value: str, comment: str) -> WorkshopRating:
        """Store one checked answer at once (the later answer of the same person replaces it)."""
        values = {"value": value, "comment": comment, "changed_at": now_iso()}
        with self.db.write() as conn:
            upsert(
                conn, t.workshop_ratings, {"participant_id": participant.id, "requirement_id": requirement_id}, values
            )
        return WorkshopRating(participant.id, requirement_id, value, comment, participant.role_group)

    def ratings(self, workshop_id: int) -> list[WorkshopRating]:
        r, p = t.workshop_ratings, t.workshop_participants
        with self.db.read() as conn:
            rows = conn.execute(
                select(r.c.participant_id, r.c.requirement_id, r.c.value, r.c.comment, p.c.role_group)
                .join(p, p.c.id == r.c.participant_id)
                .where(p.c.workshop_id == workshop_id)
                .order_by(r.c.participant_id, r.c.requirement_id)
            ).all()
        return [WorkshopRating(x.participant_id, x.requirement_id, x.value, x.comment, x.role_group) for x in rows]

    @retrying
    def set_dots(self, workshop_id: int, requirement_id: str, value: str, number: int) -> None:
        """Facilitator-only mode: the number of dots on one scale value of one requirement."""
        keys = {"workshop_id": workshop_id, "requirement_id": requirement_id, "value": value}
        with self.db.write() as conn:
            upsert(conn, t.workshop_dots, keys, {"dots": number})

    def dots(self, workshop_id: int) -> dict[str, dict[str, int]]:
        table = t.workshop_dots
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.workshop_id == workshop_id)).all()
        found: dict[str, dict[str, int]] = {}
        for row in rows:
            found.setdefault(row.requirement_id, {})[row.value] = row.dots
        return found

    @retrying
    def record_consensus(
        self, workshop: Workshop, requirement_id: str, rating: str, reason: str, dissent: str, user: str = ""
    ) -> Consensus:
        """Store the checked agreed rating and write it into the cycle's self-evaluation, naming the workshop."""
        stamp = now_iso()
        values = {"rating": rating, "reason": reason, "dissent": dissent, "decided_by": user, "decided_at": stamp}
        with self.db.write() as conn:
            upsert(conn, t.workshop_consensus, {"workshop_id": workshop.id, "requirement_id": requirement_id}, values)
            bump(
                conn,
                workshop.cycle_id,
                requirement_id,
                {"rating": rating, "changed_by": workshop.author, "changed_at": stamp},
            )
        return Consensus(workshop.id, requirement_id, rating, reason, dissent, user, stamp)

    def consensus(self, workshop_id: int) -> dict[str, Consensus]:
        table = t.workshop_consensus
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.workshop_id == workshop_id)).all()
        return {
            r.requirement_id: Consensus(
                r.workshop_id, r.requirement_id, r.rating, r.reason, r.dissent, r.decided_by, r.decided_at
            )
            for r in rows
        }
