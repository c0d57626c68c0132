"""Quality dialogues as stored: meetings of the kind 'qualitaetsdialog', each hosted by a member within a round
(QMF: every provider and every youth office hosts one per three-year round). Reading, changing, agreements and
their release go through :class:`qmkit.store.meetings.Meetings` like any meeting; here is what only a dialogue
needs: planning one, refused inside the write transaction when the host already has one in the round (the network's
row is locked, so a double click plans one dialogue), and which dialogue's agreements go to whose plan.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, insert, select

from qmkit.domain.model import now_iso
from qmkit.domain.network_meetings import MeetingKind, MeetingStatus, Participant
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import meeting_tables as mt
from qmkit.store import network_tables as nt
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import retrying

KIND = MeetingKind.QUALITAETSDIALOG.value


def _active(conn: Connection, round_id: int, host_member_id: int, other_than: int | None = None) -> Any:
    """The host's dialogue in the round that is not cancelled (apart from ``other_than``), or ``None``."""
    m = mt.network_meetings
    where = and_(
        m.c.kind == KIND,
        m.c.round_id == round_id,
        m.c.host_member_id == host_member_id,
        m.c.status != MeetingStatus.ABGESAGT.value,
        m.c.id != (other_than or 0),
    )
    return conn.execute(select(m.c.id, m.c.day).where(where).order_by(m.c.day)).first()


def _refuse_second(found: Any) -> None:
    if found is not None:
        raise InputError(
            _(
                "In dieser Runde gibt es schon einen Qualitätsdialog dieser Einrichtung (am {day}). Bitte diesen "
                "ändern – oder ihn absagen, dann lässt sich ein neuer planen."
            ).format(day=found.day.strftime("%d.%m.%Y")),
            "day",
        )


class Dialogues:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def plan(self, network_id: int, values: dict[str, Any], invited: list[Participant], uid: str, by: str) -> int:
        """A new dialogue (``values``: checked meeting fields with ``round_id`` and ``host_member_id``) and who is
        invited; refused when the host already has one in that round that is not cancelled."""
        m, p = mt.network_meetings, mt.network_meeting_participants
        with self.db.write() as conn:
            conn.execute(select(nt.networks.c.id).where(nt.networks.c.id == network_id).with_for_update()).first()
            _refuse_second(_active(conn, values["round_id"], values["host_member_id"]))
            made = new_id(
                conn.execute(
                    insert(m).values(
                        network_id=network_id,
                        kind=KIND,
                        uid=uid,
                        revision=1,
                        changed_by=by,
                        changed_at=now_iso(),
                        **values,
                    )
                )
            )
            if invited:
                rows = [{"meeting_id": made, "member_id": x.member_id, "name": x.name, "invited": True}
                        for x in invited]  # fmt: skip
                conn.execute(insert(p), rows)
            return made

    def check_reactivation(self, dialogue_id: int, round_id: int, host_member_id: int) -> None:
        """A cancelled dialogue planned again: refused while the host has another one in the round."""
        with self.db.read() as conn:
            _refuse_second(_active(conn, round_id, host_member_id, other_than=dialogue_id))

    def hosts(self, network_id: int) -> dict[int, int | None]:
        """Dialogue id → its host's member id (``None`` when the host left): whose plan its agreements go to."""
        m = mt.network_meetings
        query = select(m.c.id, m.c.host_member_id).where(and_(m.c.network_id == network_id, m.c.kind == KIND))
        with self.db.read() as conn:
            return {row.id: row.host_member_id for row in conn.execute(query)}

    def held_by(self, institution_id: int) -> list[Any]:
        """The days of the dialogues an institution hosted (as a member of any network) and recorded as held."""
        m, members = mt.network_meetings, nt.network_members
        query = (
            select(m.c.day)
            .join(members, members.c.id == m.c.host_member_id)
            .where(
                and_(
                    members.c.institution_id == institution_id,
                    m.c.kind == KIND,
                    m.c.status == MeetingStatus.STATTGEFUNDEN.value,
                )
            )
        )
        with self.db.read() as conn:
            return [row.day for row in conn.execute(query)]
