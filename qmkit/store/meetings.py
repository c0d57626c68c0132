"""Network meetings as stored: meetings and their participants, agreements made at a meeting, their release to the
members and each member's decision (reads, writes).

The service (:mod:`qmkit.services.network_meetings`) checks every value and every right first; the store keeps the
checks that belong inside the write transaction: a year that already has meetings (the network's row is locked),
a decision already taken (the adoption's row is locked, so two clicks make one measure).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from qmkit.domain.model import now_iso
from qmkit.domain.network import Agreement, MemberStatus
from qmkit.domain.network_meetings import (
    DECIDED,
    Adoption,
    AdoptionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
)
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import meeting_tables as mt
from qmkit.store import network_tables as nt
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import retrying
from qmkit.store.networks import agreement_row
from qmkit.store.plans import insert_measure


def meeting_row(row: Any, participants: tuple[Participant, ...] = ()) -> Meeting:
    return Meeting(
        kind=MeetingKind(row.kind),
        round_id=row.round_id,
        invited=tuple(p for p in participants if p.invited),
        id=row.id,
        network_id=row.network_id,
        day=row.day,
        title=row.title,
        starts=row.starts,
        ends=row.ends,
        place=row.place,
        host_member_id=row.host_member_id,
        agenda=row.agenda,
        minutes=row.minutes,
        status=MeetingStatus(row.status),
        uid=row.uid,
        revision=row.revision,
        participants=tuple(p for p in participants if not p.invited),
        changed_by=row.changed_by,
        changed_at=row.changed_at,
    )


def _adoption(row: Any) -> Adoption:
    return Adoption(
        row.agreement_id,
        row.member_id,
        AdoptionStatus(row.status),
        row.measure_id,
        row.cycle_id,
        row.reason,
        row.changed_by,
        row.changed_at,
    )


def _insert_ignoring_doubles(conn: Connection, table: Any, rows: list[dict[str, Any]], keys: list[str]) -> int:
    """``INSERT … ON CONFLICT DO NOTHING``: rows already there stay as they are; returns how many were new."""
    if not rows:
        return 0
    make = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = make(table).values(rows).on_conflict_do_nothing(index_elements=keys).returning(table.c.id)
    return len(conn.execute(stmt).all())


class Meetings:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ meetings

    def _participants(self, conn: Connection, meeting_ids: list[int]) -> dict[int, tuple[Participant, ...]]:
        p = mt.network_meeting_participants
        if not meeting_ids:
            return {}
        rows = conn.execute(select(p).where(p.c.meeting_id.in_(meeting_ids)).order_by(p.c.id)).all()
        found: dict[int, list[Participant]] = {}
        for r in rows:
            found.setdefault(r.meeting_id, []).append(Participant(r.member_id, r.name, bool(r.invited)))
        return {k: tuple(v) for k, v in found.items()}

    def meetings(
        self,
        network_id: int,
        year: int | None = None,
        kind: MeetingKind = MeetingKind.TREFFEN,
        round_id: int | None = None,
    ) -> list[Meeting]:
        """The network's meetings of ``kind`` by date (of one year, of one round when given), with participants."""
        m = mt.network_meetings
        where = [m.c.network_id == network_id, m.c.kind == kind.value]
        if round_id is not None:
            where.append(m.c.round_id == round_id)
        query = select(m).where(and_(*where)).order_by(m.c.day, m.c.starts, m.c.id)
        with self.db.read() as conn:
            rows = [r for r in conn.execute(query).all() if year is None or r.day.year == year]
            participants = self._participants(conn, [r.id for r in rows])
        return [meeting_row(r, participants.get(r.id, ())) for r in rows]

    def meeting(self, meeting_id: int) -> Meeting:
        m = mt.network_meetings
        row = self.db.one(select(m).where(m.c.id == meeting_id), _("Dieses Treffen gibt es nicht (mehr)."))
        with self.db.read() as conn:
            participants = self._participants(conn, [row.id])
        return meeting_row(row, participants.get(row.id, ()))

    def last_hosted(self, network_id: int) -> dict[int, Any]:
        """Member id → the day of the latest meeting it hosted (cancelled ones do not count)."""
        m = mt.network_meetings
        query = (
            select(m.c.host_member_id, func.max(m.c.day))
            .where(
                and_(
                    m.c.network_id == network_id,
                    m.c.host_member_id.is_not(None),
                    m.c.status != MeetingStatus.ABGESAGT.value,
                    m.c.kind == MeetingKind.TREFFEN.value,
                )
            )
            .group_by(m.c.host_member_id)
        )
        with self.db.read() as conn:
            return {member: day for member, day in conn.execute(query).all()}

    def _lock_network(self, conn: Connection, network_id: int) -> None:
        """Two coordinators planning at once: the second waits here and then sees the first one's meetings."""
        conn.execute(select(nt.networks.c.id).where(nt.networks.c.id == network_id).with_for_update()).first()

    @retrying
    def plan_year(self, network_id: int, year: int, rows: list[dict[str, Any]], by: str) -> list[int]:
        """Store a year's meetings (``rows``: checked fields with ``uid``) – refused when the year has some."""
        m = mt.network_meetings
        with self.db.write() as conn:
            self._lock_network(conn, network_id)
            treffen = and_(m.c.network_id == network_id, m.c.kind == MeetingKind.TREFFEN.value)
            days = conn.execute(select(m.c.day).where(treffen)).scalars().all()
            if any(d.year == year for d in days):
                raise InputError(
                    _(
                        "Für {year} sind schon Treffen geplant. Einzelne Treffen lassen sich unten ändern oder "
                        "hinzufügen."
                    ).format(year=year),
                    "year",
                )
            stamp = now_iso()
            return [
                new_id(
                    conn.execute(
                        insert(m).values(network_id=network_id, revision=1, changed_by=by, changed_at=stamp, **row)
                    )
                )
                for row in rows
            ]

    @retrying
    def add(self, network_id: int, values: dict[str, Any], uid: str, by: str) -> Meeting:
        m = mt.network_meetings
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(m).values(
                        network_id=network_id, uid=uid, revision=1, changed_by=by, changed_at=now_iso(), **values
                    )
                )
            )
        return self.meeting(made)

    @retrying
    def update(
        self,
        meeting_id: int,
        values: dict[str, Any],
        participants: list[Participant] | None,
        by: str,
        invited: list[Participant] | None = None,
    ) -> None:
        """Change a meeting's fields (and, when given, replace who took part and who is invited) in one
        transaction."""
        m, p = mt.network_meetings, mt.network_meeting_participants
        with self.db.write() as conn:
            conn.execute(
                update(m)
                .where(m.c.id == meeting_id)
                .values(revision=m.c.revision + 1, changed_by=by, changed_at=now_iso(), **values)
            )
            for flag, people in ((False, participants), (True, invited)):
                if people is None:
                    continue
                conn.execute(delete(p).where(and_(p.c.meeting_id == meeting_id, p.c.invited == flag)))
                if people:
                    rows = [{"meeting_id": meeting_id, "member_id": x.member_id, "name": x.name, "invited": flag}
                            for x in people]  # fmt: skip
                    conn.execute(insert(p), rows)

    # ------------------------------------------------------------------ agreements and their release

    @retrying
    def add_agreement(self, network_id: int, meeting_id: int, values: dict[str, Any], by: str) -> Agreement:
        a = nt.network_agreements
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(a).values(
                        network_id=network_id, meeting_id=meeting_id, changed_by=by, changed_at=now_iso(), **values
                    )
                )
            )
        return self.agreement(made)

    def agreement(self, agreement_id: int) -> Agreement:
        a = nt.network_agreements
        missing = _("Diese Vereinbarung gibt es nicht (mehr).")
        return agreement_row(self.db.one(select(a).where(a.c.id == agreement_id), missing))

    @retrying
    def release(self, agreement_id: int, by: str, only: set[int] | None = None) -> int:
        """Release the agreement to every joined member with an institution on this server (``only``: to these
        members – a quality dialogue's host): an open decision each (members already asked keep theirs). Returns
        how many members were asked now."""
        a, m = nt.network_agreements, nt.network_members
        with self.db.write() as conn:
            row = conn.execute(select(a).where(a.c.id == agreement_id).with_for_update()).one()
            if not row.released_at:
                conn.execute(update(a).where(a.c.id == agreement_id).values(released_at=now_iso(), released_by=by))
            found = conn.execute(
                select(m.c.id).where(
                    and_(
                        m.c.network_id == row.network_id,
                        m.c.status == MemberStatus.MITGLIED.value,
                        m.c.institution_id.is_not(None),
                    )
                )
            ).scalars()
            members = [x for x in found if only is None or x in only]
            stamp = now_iso()
            rows = [
                {
                    "agreement_id": agreement_id,
                    "member_id": member,
                    "status": AdoptionStatus.OFFEN.value,
                    "reason": "",
                    "changed_by": by,
                    "changed_at": stamp,
                }
                for member in members
            ]
            return _insert_ignoring_doubles(conn, mt.network_adoptions, rows, ["agreement_id", "member_id"])

    def adoptions(self, agreement_ids: list[int]) -> dict[int, list[Adoption]]:
        """Agreement id → the members' decisions."""
        d = mt.network_adoptions
        if not agreement_ids:
            return {}
        with self.db.read() as conn:
            rows = conn.execute(select(d).where(d.c.agreement_id.in_(agreement_ids)).order_by(d.c.id)).all()
        found: dict[int, list[Adoption]] = {i: [] for i in agreement_ids}
        for r in rows:
            found[r.agreement_id].append(_adoption(r))
        return found

    def adoptions_of(self, member_id: int) -> dict[int, Adoption]:
        """Agreement id → this member's decision."""
        d = mt.network_adoptions
        with self.db.read() as conn:
            rows = conn.execute(select(d).where(d.c.member_id == member_id)).all()
        return {r.agreement_id: _adoption(r) for r in rows}

    @retrying
    def decide(
        self,
        agreement_id: int,
        member_id: int,
        status: AdoptionStatus,
        by: str,
        measure: tuple[int, dict[str, Any]] | None = None,
        reason: str = "",
    ) -> Adoption:
        """Record a member's decision; ``measure``: (cycle id, checked measure) to create in the same transaction.

        The decision's row is locked first: a decision with a measure already there is final (a second click, or a
        colleague's at the same moment, gets a German message and no second measure); a declined one may be
        taken back by adopting it after all.
        """
        d = mt.network_adoptions
        where = and_(d.c.agreement_id == agreement_id, d.c.member_id == member_id)
        with self.db.write() as conn:
            stamp = now_iso()
            first = {"agreement_id": agreement_id, "member_id": member_id, "status": AdoptionStatus.OFFEN.value}
            fresh = {**first, "reason": "", "changed_by": by, "changed_at": stamp}
            _insert_ignoring_doubles(conn, d, [fresh], ["agreement_id", "member_id"])
            current = _adoption(conn.execute(select(d).where(where).with_for_update()).one())
            if current.status in DECIDED:
                title = conn.execute(select(t.measures.c.title).where(t.measures.c.id == current.measure_id)).scalar()
                raise InputError(
                    _("Diese Vereinbarung ist schon übernommen: Maßnahme „{title}“.").format(title=title or "–"),
                    "adoption",
                )
            values: dict[str, Any] = {"status": status.value, "reason": reason, "changed_by": by, "changed_at": stamp}
            if measure is not None:
                cycle_id, clean = measure
                values["cycle_id"] = cycle_id
                values["measure_id"] = insert_measure(conn, cycle_id, by, clean, stamp)
            conn.execute(update(d).where(where).values(**values))
            return _adoption(conn.execute(select(d).where(where)).one())
