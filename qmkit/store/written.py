"""Written work as stored: definition versions (a new version under the institution's row lock, so two people
saving at once make versions 3 and 4, never two 3s; a signed-off version is never changed) and narrative fields
(``INSERT … ON CONFLICT DO UPDATE`` per field: saved as typed, two people on two fields never overwrite each other).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update

from qmkit.domain.model import now_iso
from qmkit.domain.written import Definition
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store import written_tables as wt
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import retrying


def _definition(row: Any) -> Definition:
    return Definition(
        row.id,
        row.institution_id,
        row.version,
        row.text,
        row.signed_off_by,
        row.signed_off_on,
        row.changed_by,
        row.changed_at,
    )


class Written:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ definitions

    def definitions(self, institution_id: int) -> list[Definition]:
        """All versions, newest first."""
        d = wt.definitions
        query = select(d).where(d.c.institution_id == institution_id).order_by(d.c.version.desc())
        with self.db.read() as conn:
            return [_definition(r) for r in conn.execute(query).all()]

    def definition(self, definition_id: int) -> Definition:
        d = wt.definitions
        return _definition(self.db.one(select(d).where(d.c.id == definition_id), _("Diese Fassung gibt es nicht.")))

    @retrying
    def save_definition(self, institution_id: int, text: str, by: str) -> Definition:
        """The text as a new version – or into the newest version while that one is not signed off yet."""
        d = wt.definitions
        with self.db.write() as conn:
            conn.execute(select(t.institutions.c.id).where(t.institutions.c.id == institution_id).with_for_update())
            newest = conn.execute(
                select(d).where(d.c.institution_id == institution_id).order_by(d.c.version.desc()).limit(1)
            ).first()
            stamp = now_iso()
            if newest is not None and newest.signed_off_on is None:
                conn.execute(update(d).where(d.c.id == newest.id).values(text=text, changed_by=by, changed_at=stamp))
                made = newest.id
            else:
                version = conn.execute(
                    select(func.coalesce(func.max(d.c.version), 0)).where(d.c.institution_id == institution_id)
                ).scalar_one()
                made = new_id(
                    conn.execute(
                        insert(d).values(
                            institution_id=institution_id,
                            version=int(version) + 1,
                            text=text,
                            changed_by=by,
                            changed_at=stamp,
                        )
                    )
                )
        return self.definition(made)

    @retrying
    def sign_off(self, definition_id: int, person: str, day: date, by: str) -> Definition:
        d = wt.definitions
        with self.db.write() as conn:
            row = conn.execute(select(d).where(d.c.id == definition_id).with_for_update()).one()
            if row.signed_off_on is not None:
                raise InputError(
                    _("Diese Fassung ist schon freigegeben; Änderungen werden eine neue Fassung."), "definition"
                )
            conn.execute(
                update(d)
                .where(d.c.id == definition_id)
                .values(signed_off_by=person, signed_off_on=day, changed_by=by, changed_at=now_iso())
            )
        return self.definition(definition_id)

    # ------------------------------------------------------------------ narratives

    def narratives(self, cycle_id: int) -> dict[str, dict[str, str]]:
        """Requirement id -> focal point -> text."""
        n = wt.narratives
        with self.db.read() as conn:
            rows = conn.execute(select(n.c.requirement_id, n.c.field, n.c.text).where(n.c.cycle_id == cycle_id)).all()
        found: dict[str, dict[str, str]] = {}
        for row in rows:
            found.setdefault(row.requirement_id, {})[row.field] = row.text
        return found

    @retrying
    def write_focal(self, cycle_id: int, requirement_id: str, field: str, text: str, by: str) -> None:
        keys = {"cycle_id": cycle_id, "requirement_id": requirement_id, "field": field}
        with self.db.write() as conn:
            upsert(conn, wt.narratives, keys, {"text": text, "changed_by": by, "changed_at": now_iso()})
