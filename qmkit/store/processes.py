"""The process map as stored: an institution's processes with their requirement and document links.

A new name is checked against the institution's other processes under the institution's row lock (two people
adding "Personal" at once get one process and one German refusal; the unique key is the backstop). Links are
``INSERT … ON CONFLICT`` per requirement or document, so two people ticking different requirements of the same
process never undo each other's ticks; every change raises the process's revision and says who made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from qmkit.domain.model import now_iso
from qmkit.domain.process_map import Process, ProcessKind, name_taken, same_name
from qmkit.errors import NotFoundError
from qmkit.i18n import _
from qmkit.store import process_tables as pt
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import retrying


def _gone() -> str:
    return _("Diesen Prozess gibt es nicht (mehr).")


class Processes:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ reading

    def of_institution(self, institution_id: int) -> list[Process]:
        """The institution's processes with their links, in the order they were added."""
        p = pt.processes
        with self.db.read() as conn:
            rows = conn.execute(
                select(p).where(p.c.institution_id == institution_id).order_by(p.c.position, p.c.id)
            ).all()
            return self._with_links(conn, rows)

    def get(self, process_id: int) -> Process:
        p = pt.processes
        with self.db.read() as conn:
            rows = conn.execute(select(p).where(p.c.id == process_id)).all()
            if not rows:
                raise NotFoundError(_gone())
            return self._with_links(conn, rows)[0]

    @staticmethod
    def _with_links(conn: Connection, rows: Sequence[Any]) -> list[Process]:
        ids = [r.id for r in rows]
        reqs: dict[int, list[str]] = {i: [] for i in ids}
        docs: dict[int, list[int]] = {i: [] for i in ids}
        if ids:
            pr, pd = pt.process_requirements, pt.process_documents
            for link in conn.execute(
                select(pr.c.process_id, pr.c.requirement_id).where(pr.c.process_id.in_(ids)).order_by(pr.c.id)
            ):
                reqs[link.process_id].append(link.requirement_id)
            for link in conn.execute(
                select(pd.c.process_id, pd.c.document_id).where(pd.c.process_id.in_(ids)).order_by(pd.c.id)
            ):
                docs[link.process_id].append(link.document_id)
        return [
            Process(
                r.id,
                r.institution_id,
                r.name,
                ProcessKind(r.kind),
                r.owner,
                r.purpose,
                r.inputs,
                r.outputs,
                r.position,
                tuple(reqs[r.id]),
                tuple(docs[r.id]),
                r.changed_by,
                r.changed_at,
                r.revision,
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ writing

    @staticmethod
    def _lock_names(conn: Connection, institution_id: int, name: str, skip: int | None = None) -> None:
        """Refuse ``name`` when another process of the institution has it (under the institution's row lock)."""
        conn.execute(select(t.institutions.c.id).where(t.institutions.c.id == institution_id).with_for_update())
        p = pt.processes
        for row in conn.execute(select(p.c.id, p.c.name).where(p.c.institution_id == institution_id)):
            if row.id != skip and same_name(row.name, name):
                raise name_taken(row.name)

    @retrying
    def add(self, institution_id: int, values: dict[str, Any], by: str) -> Process:
        """A new process (checked ``values``), placed after the others of its kind."""
        p = pt.processes
        with self.db.write() as conn:
            self._lock_names(conn, institution_id, values["name"])
            last = conn.execute(
                select(func.coalesce(func.max(p.c.position), 0)).where(p.c.institution_id == institution_id)
            ).scalar_one()
            made = new_id(
                conn.execute(
                    insert(p).values(
                        institution_id=institution_id,
                        position=int(last) + 1,
                        changed_by=by,
                        changed_at=now_iso(),
                        revision=1,
                        **{k: str(v) for k, v in values.items()},
                    )
                )
            )
        return self.get(made)

    @retrying
    def update(self, process_id: int, field: str, value: Any, by: str) -> Process:
        """Change one checked field."""
        p = pt.processes
        with self.db.write() as conn:
            row = conn.execute(select(p.c.institution_id).where(p.c.id == process_id)).first()
            if row is None:
                raise NotFoundError(_gone())
            if field == "name":
                self._lock_names(conn, row.institution_id, value, skip=process_id)
            self._touch(conn, process_id, by, {field: str(value)})
        return self.get(process_id)

    @staticmethod
    def _touch(conn: Connection, process_id: int, by: str, values: dict[str, Any] | None = None) -> None:
        p = pt.processes
        query = update(p).where(p.c.id == process_id)
        if not conn.execute(
            query.values(revision=p.c.revision + 1, changed_by=by, changed_at=now_iso(), **(values or {}))
        ).rowcount:
            raise NotFoundError(_gone())

    @retrying
    def delete(self, process_id: int) -> None:
        """The process and its links."""
        with self.db.write() as conn:
            conn.execute(delete(pt.process_requirements).where(pt.process_requirements.c.process_id == process_id))
            conn.execute(delete(pt.process_documents).where(pt.process_documents.c.process_id == process_id))
            if not conn.execute(delete(pt.processes).where(pt.processes.c.id == process_id)).rowcount:
                raise NotFoundError(_gone())

    @retrying
    def link_requirements(self, process_id: int, add: Iterable[str], remove: Iterable[str], by: str) -> Process:
        """Add and remove requirement links (others stay as they are)."""
        pr = pt.process_requirements
        with self.db.write() as conn:
            self._touch(conn, process_id, by)
            stamp = now_iso()
            for req in add:
                upsert(
                    conn, pr, {"process_id": process_id, "requirement_id": req}, {"linked_by": by, "linked_at": stamp}
                )
            gone = list(remove)
            if gone:
                conn.execute(delete(pr).where(pr.c.process_id == process_id, pr.c.requirement_id.in_(gone)))
        return self.get(process_id)

    @retrying
    def link_documents(self, process_id: int, add: Iterable[int], remove: Iterable[int], by: str) -> Process:
        """Add and remove register documents (others stay as they are)."""
        pd = pt.process_documents
        with self.db.write() as conn:
            self._touch(conn, process_id, by)
            stamp = now_iso()
            for doc in add:
                upsert(conn, pd, {"process_id": process_id, "document_id": doc}, {"linked_by": by, "linked_at": stamp})
            gone = list(remove)
            if gone:
                conn.execute(delete(pd).where(pd.c.process_id == process_id, pd.c.document_id.in_(gone)))
        return self.get(process_id)

    @retrying
    def move(self, process_id: int, step: int, by: str) -> Process:
        """Swap places with the neighbour of the same kind before (``step`` < 0) or after it."""
        p = pt.processes
        with self.db.write() as conn:
            row = conn.execute(select(p).where(p.c.id == process_id)).first()
            if row is None:
                raise NotFoundError(_gone())
            conn.execute(select(t.institutions.c.id).where(t.institutions.c.id == row.institution_id).with_for_update())
            same = conn.execute(
                select(p.c.id, p.c.position)
                .where(p.c.institution_id == row.institution_id, p.c.kind == row.kind)
                .order_by(p.c.position, p.c.id)
            ).all()
            order = [r.id for r in same]
            here = order.index(process_id)
            there = here + (1 if step > 0 else -1)
            if 0 <= there < len(order):
                order[here], order[there] = order[there], order[here]
                positions = sorted(r.position for r in same)
                if len(set(positions)) < len(positions):
                    positions = list(range(positions[0], positions[0] + len(positions)))
                for pid, pos in zip(order, positions, strict=True):
                    conn.execute(update(p).where(p.c.id == pid).values(position=pos))
                self._touch(conn, process_id, by)
        return self.get(process_id)
