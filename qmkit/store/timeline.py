"""The certification timeline as stored: certificate dates, planned and done dates of steps and deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from qmkit.domain.model import now_iso
from qmkit.domain.timeline import Certification, ItemDates
from qmkit.store import tables as t
from qmkit.store.engine import Database, upsert
from qmkit.store.failures import retrying


def _certification(cycle_id: int, row: Any) -> Certification:
    if row is None:
        return Certification(cycle_id)
    return Certification(cycle_id, row.certified_on, row.valid_until, row.changed_by, row.changed_at)


class Timelines:
    def __init__(self, db: Database):
        self.db = db

    def certification(self, cycle_id: int) -> Certification:
        """The cycle's certificate dates (empty ones when nothing is entered yet)."""
        table = t.certifications
        with self.db.read() as conn:
            return _certification(cycle_id, conn.execute(select(table).where(table.c.cycle_id == cycle_id)).first())

    @retrying
    def set_certification(self, cycle_id: int, field: str, value: Any, check: Any, user: str = "") -> Certification:
        """Store the certificate's date or end of validity; ``check(current, field, value)`` judges the new day
        against the other field inside the write transaction."""
        table = t.certifications
        with self.db.write() as conn:
            current = _certification(cycle_id, conn.execute(select(table).where(table.c.cycle_id == cycle_id)).first())
            values = {field: check(current, field, value), "changed_by": user, "changed_at": now_iso()}
            upsert(conn, table, {"cycle_id": cycle_id}, values)
        return self.certification(cycle_id)

    def dates(self, cycle_id: int) -> dict[str, ItemDates]:
        table = t.timeline_dates
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        return {r.item_key: ItemDates(r.item_key, r.planned, r.done, r.changed_by, r.changed_at) for r in rows}

    @retrying
    def set_date(self, cycle_id: int, key: str, field: str, value: date | None, user: str = "") -> ItemDates:
        """Store the checked planned or done date of a procedure step or deadline (one transaction)."""
        values = {field: value, "changed_by": user, "changed_at": now_iso()}
        with self.db.write() as conn:
            upsert(conn, t.timeline_dates, {"cycle_id": cycle_id, "item_key": key}, values)
        return self.dates(cycle_id)[key]

    @retrying
    def plan(self, cycle_id: int, planned: dict[str, date], user: str = "") -> list[str]:
        """Set planned dates of steps that have none yet (a suggested schedule); returns the keys it set."""
        table = t.timeline_dates
        stamp, set_keys = now_iso(), []
        with self.db.write() as conn:
            have = {r.item_key: r for r in conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()}
            for key, planned_on in planned.items():
                if key in have and have[key].planned:
                    continue
                values = {"planned": planned_on, "changed_by": user, "changed_at": stamp}
                upsert(conn, table, {"cycle_id": cycle_id, "item_key": key}, values)
                set_keys.append(key)
        return set_keys

    @staticmethod
    def copy(conn: Connection, previous_id: int, cycle_id: int, user: str, stamp: str) -> None:
        """The certificate and the deadlines' dates go along into the next cycle (procedure steps start empty)."""
        cert, dates = t.certifications, t.timeline_dates
        for row in conn.execute(select(cert).where(cert.c.cycle_id == previous_id)).all():
            conn.execute(
                insert(cert).values(
                    cycle_id=cycle_id,
                    certified_on=row.certified_on,
                    valid_until=row.valid_until,
                    changed_by=user,
                    changed_at=stamp,
                )
            )
        query = select(dates).where((dates.c.cycle_id == previous_id) & dates.c.item_key.startswith("frist:"))
        for row in conn.execute(query).all():
            conn.execute(
                insert(dates).values(
                    cycle_id=cycle_id,
                    item_key=row.item_key,
                    planned=row.planned,
                    done=row.done,
                    changed_by=user,
                    changed_at=stamp,
                )
            )
