"""Networks as stored: the network, coordinators, members, rounds, agreements and contributions (reads, writes).

The service (:mod:`qmkit.services.networks`) checks every value and every right before it gets here; the store
keeps the checks that belong inside the write transaction (a name taken, a second contribution of a member to the
same round when it must not be replaced).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from qmkit.domain.model import now_iso
from qmkit.domain.network import (
    Agreement,
    Contribution,
    Member,
    MemberKind,
    MemberStatus,
    Network,
    NetworkKind,
    Round,
)
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import meeting_tables as mt
from qmkit.store import network_tables as nt
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import WriteCollision, retrying


def _network(row: Any) -> Network:
    return Network(
        row.id,
        row.name,
        NetworkKind(row.kind),
        row.catalog_id,
        row.threshold,
        row.description,
        row.created_at,
        row.uid,
        row.origin == "einladung",
    )


def _member(row: Any) -> Member:
    return Member(
        row.id,
        row.network_id,
        row.name,
        MemberKind(row.kind),
        MemberStatus(row.status),
        row.institution_id,
        bool(row.named),
        row.key,
        row.invited_by,
        row.joined_at,
    )


def _contribution(row: Any) -> Contribution:
    return Contribution(
        row.member_id,
        row.round_id,
        row.catalog_id,
        row.catalog_version,
        dict(row.ratings),
        float(row.progress),
        row.cycle_id,
        row.source,
        row.content_hash,
        row.submitted_at,
    )


def agreement_row(row: Any) -> Agreement:
    return Agreement(
        row.id, row.network_id, row.text, row.agreed_on, row.changed_by, row.meeting_id, row.due, row.released_at or ""
    )


def _forget_in_meetings(conn: Connection, member_id: int) -> None:
    """A member leaves: its decisions about agreements and its places as participant go; meetings it hosted stay
    (without host). The measures it adopted stay in its own plan."""
    conn.execute(delete(mt.network_adoptions).where(mt.network_adoptions.c.member_id == member_id))
    p = mt.network_meeting_participants
    conn.execute(delete(p).where(p.c.member_id == member_id))
    m = mt.network_meetings
    conn.execute(update(m).where(m.c.host_member_id == member_id).values(host_member_id=None))


@contextmanager
def _unique(message: str, field: str) -> Iterator[None]:
    try:
        yield
    except WriteCollision as exc:
        if not exc.duplicate:
            raise
        raise InputError(message, field) from None


class Networks:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ the network

    @retrying
    def create(
        self, values: dict[str, Any], uid: str, created_by: str, coordinator: str = "", origin: str = "hier"
    ) -> Network:
        """A new network (its name is unique); ``coordinator``: a log-in name that coordinates it."""
        stamp = now_iso()
        taken = _("Ein Netzwerk „{name}“ gibt es schon.").format(name=values["name"])
        with _unique(taken, "name"), self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(nt.networks).values(
                        **values, uid=uid, origin=origin, created_by=created_by, created_at=stamp
                    )
                )
            )
            if coordinator:
                conn.execute(
                    insert(nt.network_coordinators).values(
                        network_id=made, login=coordinator, added_by=created_by, added_at=stamp
                    )
                )
        return self.get(made)

    def get(self, network_id: int) -> Network:
        table = nt.networks
        missing = _("Das Netzwerk Nr. {id} gibt es nicht.").format(id=network_id)
        return _network(self.db.one(select(table).where(table.c.id == network_id), missing))

    def find(self, name: str) -> Network:
        table = nt.networks
        missing = _("Ein Netzwerk „{name}“ gibt es nicht.").format(name=name)
        return _network(self.db.one(select(table).where(table.c.name == name.strip()), missing))

    def by_uid(self, uid: str) -> Network | None:
        with self.db.read() as conn:
            row = conn.execute(select(nt.networks).where(nt.networks.c.uid == uid)).first()
        return _network(row) if row is not None else None

    def all(self) -> list[Network]:
        with self.db.read() as conn:
            rows = conn.execute(select(nt.networks).order_by(func.lower(nt.networks.c.name))).all()
        return [_network(r) for r in rows]

    @retrying
    def set_threshold(self, network_id: int, threshold: int) -> Network:
        with self.db.write() as conn:
            conn.execute(update(nt.networks).where(nt.networks.c.id == network_id).values(threshold=threshold))
        return self.get(network_id)

    # ------------------------------------------------------------------ coordinators

    def coordinators(self, network_id: int) -> list[str]:
        c = nt.network_coordinators
        with self.db.read() as conn:
            return list(
                conn.execute(select(c.c.login).where(c.c.network_id == network_id).order_by(c.c.login)).scalars()
            )

    def coordinated_by(self, login: str) -> set[int]:
        c = nt.network_coordinators
        with self.db.read() as conn:
            return set(conn.execute(select(c.c.network_id).where(c.c.login == login)).scalars())

    @retrying
    def add_coordinator(self, network_id: int, login: str, added_by: str) -> None:
        with self.db.write() as conn:
            upsert(
                conn,
                nt.network_coordinators,
                {"network_id": network_id, "login": login},
                {"added_by": added_by, "added_at": now_iso()},
            )

    # ------------------------------------------------------------------ members

    @retrying
    def invite(self, network_id: int, values: dict[str, Any], institution_id: int | None, key: str, by: str) -> Member:
        taken = _("„{name}“ ist schon eingeladen oder Mitglied.").format(name=values["name"])
        m = nt.network_members
        with _unique(taken, "name"), self.db.write() as conn:
            if institution_id is not None:
                there = conn.execute(
                    select(m.c.id).where(and_(m.c.network_id == network_id, m.c.institution_id == institution_id))
                ).first()
                if there is not None:
                    raise InputError(taken, "name")
            made = new_id(
                conn.execute(
                    insert(m).values(
                        network_id=network_id,
                        institution_id=institution_id,
                        status=MemberStatus.EINGELADEN.value,
                        named=False,
                        key=key,
                        invited_by=by,
                        invited_at=now_iso(),
                        joined_at="",
                        **values,
                    )
                )
            )
        return self.member(made)

    def member(self, member_id: int) -> Member:
        m = nt.network_members
        missing = _("Dieses Mitglied gibt es im Netzwerk nicht (mehr).")
        return _member(self.db.one(select(m).where(m.c.id == member_id), missing))

    def member_by_key(self, key: str) -> Member | None:
        m = nt.network_members
        with self.db.read() as conn:
            row = conn.execute(select(m).where(m.c.key == key)).first()
        return _member(row) if row is not None else None

    def members(self, network_id: int) -> list[Member]:
        m = nt.network_members
        query = select(m).where(m.c.network_id == network_id).order_by(func.lower(m.c.name))
        with self.db.read() as conn:
            return [_member(r) for r in conn.execute(query).all()]

    def memberships_of(self, institution_ids: set[int]) -> list[Member]:
        """The network memberships (and invitations) of these institutions."""
        if not institution_ids:
            return []
        m = nt.network_members
        with self.db.read() as conn:
            rows = conn.execute(select(m).where(m.c.institution_id.in_(sorted(institution_ids)))).all()
        return [_member(r) for r in rows]

    @retrying
    def set_member(self, member_id: int, **changes: Any) -> Member:
        """Change status, ``named`` or the institution of a member (joining sets the date)."""
        values = dict(changes)
        if values.get("status") == MemberStatus.MITGLIED.value:
            values["joined_at"] = now_iso()
        with self.db.write() as conn:
            conn.execute(update(nt.network_members).where(nt.network_members.c.id == member_id).values(**values))
        return self.member(member_id)

    @retrying
    def remove_member(self, member_id: int) -> None:
        """The member leaves: its contributions go with it (a member's data stays its own)."""
        with self.db.write() as conn:
            conn.execute(delete(nt.network_contributions).where(nt.network_contributions.c.member_id == member_id))
            _forget_in_meetings(conn, member_id)
            conn.execute(delete(nt.network_members).where(nt.network_members.c.id == member_id))

    # ------------------------------------------------------------------ rounds and agreements

    @retrying
    def add_round(self, network_id: int, values: dict[str, Any]) -> Round:
        taken = _("Eine Runde „{name}“ gibt es in diesem Netzwerk schon.").format(name=values["name"])
        with _unique(taken, "name"), self.db.write() as conn:
            made = new_id(conn.execute(insert(nt.network_rounds).values(network_id=network_id, **values)))
        return self.round(made)

    def round(self, round_id: int) -> Round:
        r = nt.network_rounds
        row = self.db.one(select(r).where(r.c.id == round_id), _("Diese Runde gibt es nicht (mehr)."))
        return Round(row.id, row.network_id, row.name, row.starts, row.ends)

    def rounds(self, network_id: int) -> list[Round]:
        """The network's rounds, oldest first."""
        r = nt.network_rounds
        query = select(r).where(r.c.network_id == network_id).order_by(r.c.starts, r.c.id)
        with self.db.read() as conn:
            return [Round(x.id, x.network_id, x.name, x.starts, x.ends) for x in conn.execute(query).all()]

    @retrying
    def add_agreement(self, network_id: int, values: dict[str, Any], by: str) -> Agreement:
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(nt.network_agreements).values(
                        network_id=network_id, changed_by=by, changed_at=now_iso(), **values
                    )
                )
            )
        return next(a for a in self.agreements(network_id) if a.id == made)

    def agreements(self, network_id: int) -> list[Agreement]:
        a = nt.network_agreements
        query = select(a).where(a.c.network_id == network_id).order_by(a.c.agreed_on.desc(), a.c.id.desc())
        with self.db.read() as conn:
            return [agreement_row(x) for x in conn.execute(query)]

    # ------------------------------------------------------------------ contributions

    @retrying
    def contribute(self, contribution: Contribution, by: str, replace: bool) -> None:
        """Store a member's contribution to a round; a second one replaces the first only with ``replace``."""
        c = nt.network_contributions
        values = {
            "catalog_id": contribution.catalog_id,
            "catalog_version": contribution.catalog_version,
            "ratings": dict(contribution.ratings),
            "progress": contribution.progress,
            "cycle_id": contribution.cycle_id,
            "source": contribution.source,
            "content_hash": contribution.content_hash,
            "submitted_by": by,
            "submitted_at": now_iso(),
        }
        keys = {"member_id": contribution.member_id, "round_id": contribution.round_id}
        second = _("Von diesem Mitglied liegt für diese Runde schon ein Beitrag vor. Nichts wurde geändert.")
        with _unique(second, "round"), self.db.write() as conn:
            if replace:
                upsert(conn, c, keys, values)
            else:
                conn.execute(insert(c).values(**keys, **values))

    def contributions(self, round_id: int) -> dict[int, Contribution]:
        """Member id -> its contribution to the round (only members who joined)."""
        c, m = nt.network_contributions, nt.network_members
        query = (
            select(c)
            .join(m, m.c.id == c.c.member_id)
            .where(and_(c.c.round_id == round_id, m.c.status == MemberStatus.MITGLIED.value))
        )
        with self.db.read() as conn:
            return {row.member_id: _contribution(row) for row in conn.execute(query).all()}

    def contributions_of(self, member_id: int) -> dict[int, Contribution]:
        """Round id -> this member's contribution."""
        c = nt.network_contributions
        with self.db.read() as conn:
            rows = conn.execute(select(c).where(c.c.member_id == member_id)).all()
        return {row.round_id: _contribution(row) for row in rows}
