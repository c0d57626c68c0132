"""Institutions and their cycles (Einrichtungen, Zyklen) as stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import Cycle, Institution, now_iso
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import WriteCollision, retrying


def _institution(row: Any) -> Institution:
    return Institution(id=row.id, name=row.name, qmb=row.qmb, created_at=row.created_at)


def _cycle(row: Any) -> Cycle:
    return Cycle(
        id=row.id,
        institution_id=row.institution_id,
        name=row.name,
        catalog_id=row.catalog_id,
        catalog_version=row.catalog_version,
        requirement_ids=tuple(row.requirement_ids),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def touch(conn: Connection, cycle_id: int, stamp: str) -> None:
    """Mark the cycle as changed now (the start page lists the most recently changed first)."""
    conn.execute(update(t.cycles).where(t.cycles.c.id == cycle_id).values(updated_at=stamp))


@contextmanager
def unique_cycle_name(name: str) -> Iterator[None]:
    """A second cycle of the same name in one institution becomes a German message."""
    try:
        yield
    except WriteCollision as exc:
        if not exc.duplicate:
            raise
        raise InputError(
            _("Einen Zyklus „{name}“ gibt es für diese Einrichtung schon.").format(name=name), "name"
        ) from None


class Institutions:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def create(self, name: str, qmb: str = "") -> Institution:
        """A new institution; the name is unique (a German message when it is taken)."""
        try:
            with self.db.write() as conn:
                created = new_id(conn.execute(insert(t.institutions).values(name=name, qmb=qmb, created_at=now_iso())))
        except WriteCollision as exc:
            if not exc.duplicate:
                raise
            raise InputError(_("Eine Einrichtung „{name}“ gibt es schon.").format(name=name), "name") from None
        return self.get(created)

    def get(self, institution_id: int) -> Institution:
        table = t.institutions
        missing = _("Die Einrichtung Nr. {id} gibt es nicht.").format(id=institution_id)
        return _institution(self.db.one(select(table).where(table.c.id == institution_id), missing))

    def find(self, name: str) -> Institution:
        table = t.institutions
        missing = _("Eine Einrichtung „{name}“ gibt es nicht.").format(name=name)
        return _institution(self.db.one(select(table).where(table.c.name == name.strip()), missing))

    def all(self) -> list[Institution]:
        with self.db.read() as conn:
            rows = conn.execute(select(t.institutions).order_by(func.lower(t.institutions.c.name))).all()
        return [_institution(r) for r in rows]


class Cycles:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def create(self, institution_id: int, name: str, catalog: Catalog) -> Cycle:
        """A new cycle of ``catalog``'s current requirements (the name is unique per institution)."""
        with unique_cycle_name(name), self.db.write() as conn:
            created = self.insert(conn, institution_id, name, catalog, now_iso())
        return self.get(created)

    @staticmethod
    def insert(conn: Connection, institution_id: int, name: str, catalog: Catalog, stamp: str) -> int:
        return new_id(
            conn.execute(
                insert(t.cycles).values(
                    institution_id=institution_id,
                    name=name,
                    catalog_id=catalog.id,
                    catalog_version=catalog.version,
                    requirement_ids=[r.id for r in catalog.requirements()],
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        )

    def get(self, cycle_id: int) -> Cycle:
        table = t.cycles
        missing = _("Den Zyklus Nr. {id} gibt es nicht.").format(id=cycle_id)
        return _cycle(self.db.one(select(table).where(table.c.id == cycle_id), missing))

    def find(self, institution_id: int, name: str) -> Cycle:
        table = t.cycles
        missing = _("Einen Zyklus „{name}“ gibt es für diese Einrichtung nicht.").format(name=name)
        query = select(table).where(table.c.institution_id == institution_id, table.c.name == name.strip())
        return _cycle(self.db.one(query, missing))

    def all(self, institution_id: int | None = None) -> list[Cycle]:
        """Cycles, most recently changed first."""
        query = select(t.cycles).order_by(t.cycles.c.updated_at.desc(), t.cycles.c.id.desc())
        if institution_id is not None:
            query = query.where(t.cycles.c.institution_id == institution_id)
        with self.db.read() as conn:
            return [_cycle(r) for r in conn.execute(query).all()]

    def latest(self) -> Cycle | None:
        with self.db.read() as conn:
            row = conn.execute(
                select(t.cycles).order_by(t.cycles.c.updated_at.desc(), t.cycles.c.id.desc()).limit(1)
            ).first()
        return _cycle(row) if row is not None else None

    def previous_id(self, cycle_id: int) -> int | None:
        """The cycle this one was started from ("Nächster Zyklus"), if any."""
        table = t.cycle_origins
        with self.db.read() as conn:
            return conn.execute(
                select(table.c.previous_cycle_id).where(table.c.cycle_id == cycle_id)
            ).scalar_one_or_none()
