"""The evidence register as stored: an institution's documents and their links to requirements of a cycle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from qmkit.domain.evidence import Document
from qmkit.domain.model import EvidenceRef, now_iso
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.assessments import bump
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import retrying
from qmkit.store.links import document_columns, document_row, link_query, link_row

LINK_FIELDS = ("title", "version", "location", "on_site_only")


def _gone() -> str:
    return _("Dieses Dokument gibt es im Nachweisregister nicht mehr.")


class Evidence:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ documents

    @retrying
    def add_document(self, institution_id: int, user: str = "", **values: Any) -> Document:
        """A new register entry; ``values`` are checked metadata and, for an upload, the file columns."""
        with self.db.write() as conn:
            created = self._insert_document(conn, institution_id, user, now_iso(), values)
        return self.document(created)

    @staticmethod
    def _insert_document(conn: Connection, institution_id: int, user: str, stamp: str, values: dict[str, Any]) -> int:
        columns = document_columns(values)
        return new_id(
            conn.execute(
                insert(t.documents).values(
                    institution_id=institution_id, created_at=stamp, changed_at=stamp, changed_by=user, **columns
                )
            )
        )

    def document(self, document_id: int) -> Document:
        return document_row(self.db.one(select(t.documents).where(t.documents.c.id == document_id), _gone()))

    def documents(self, institution_id: int) -> list[Document]:
        """The institution's register, by title."""
        table = t.documents
        query = select(table).where(table.c.institution_id == institution_id).order_by(table.c.title, table.c.id)
        with self.db.read() as conn:
            return [document_row(r) for r in conn.execute(query).all()]

    def document_with_file(self, institution_id: int, digest: str) -> Document | None:
        """The register entry already holding the file with ``digest`` (the same upload twice)."""
        table = t.documents
        query = select(table).where(table.c.institution_id == institution_id, table.c.file_hash == digest).limit(1)
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return document_row(row) if row else None

    @retrying
    def update_document(self, document_id: int, field: str, value: Any, user: str = "") -> Document:
        """Change one checked metadata field of a document (every requirement using it sees the change)."""
        table = t.documents
        changes = {"changed_at": now_iso(), "changed_by": user, **document_columns({field: value})}
        with self.db.write() as conn:
            query = update(table).where(table.c.id == document_id).values(revision=table.c.revision + 1, **changes)
            if not conn.execute(query).rowcount:
                raise NotFoundError(_gone())
        return self.document(document_id)

    def usage(self, institution_id: int) -> dict[int, list[tuple[int, str]]]:
        """For each document of the institution: the (cycle id, requirement id) pairs it serves."""
        links, docs = t.evidence_links, t.documents
        with self.db.read() as conn:
            rows = conn.execute(
                select(links.c.document_id, links.c.cycle_id, links.c.requirement_id)
                .join(docs, docs.c.id == links.c.document_id)
                .where(docs.c.institution_id == institution_id)
                .order_by(links.c.cycle_id, links.c.requirement_id)
            ).all()
        usage: dict[int, list[tuple[int, str]]] = {}
        for row in rows:
            usage.setdefault(row.document_id, []).append((row.cycle_id, row.requirement_id))
        return usage

    @retrying
    def delete_document(self, document_id: int, unlink: bool = False, user: str = "") -> None:
        """Remove a register entry; while requirements use it only with ``unlink`` (the links go too).

        The check and the delete are one transaction, so a link made meanwhile is never lost silently.
        """
        links = t.evidence_links
        stamp = now_iso()
        with self.db.write() as conn:
            used = conn.execute(
                select(links.c.cycle_id, links.c.requirement_id).where(links.c.document_id == document_id)
            ).all()
            if used and not unlink:
                raise InputError(
                    _(
                        "Dieses Dokument ist noch {n} Anforderung(en) zugeordnet. Bitte die Zuordnungen lösen "
                        "oder „mit Zuordnungen löschen“ wählen."
                    ).format(n=len(used)),
                    "delete",
                )
            conn.execute(delete(links).where(links.c.document_id == document_id))
            for cycle_id, req_id in used:
                bump(conn, cycle_id, req_id, {"changed_by": user, "changed_at": stamp})
            conn.execute(delete(t.documents).where(t.documents.c.id == document_id))

    def files_in_use(self) -> set[str]:
        """Hashes of every file some register entry holds (what the evidence folder must keep)."""
        table = t.documents
        with self.db.read() as conn:
            rows = conn.execute(select(table.c.file_hash).where(table.c.file_hash.is_not(None)).distinct()).all()
        return {r.file_hash for r in rows}

    # ------------------------------------------------------------------ links

    @retrying
    def link(self, cycle_id: int, requirement_id: str, document_id: int, user: str = "") -> EvidenceRef:
        """Let a register document serve a requirement of a cycle (nothing new if it already does)."""
        with self.db.write() as conn:
            return self.insert_link(conn, cycle_id, requirement_id, document_id, user, now_iso())

    @retrying
    def add_linked(
        self, cycle_id: int, institution_id: int, requirement_id: str, user: str = "", **fields: Any
    ) -> EvidenceRef:
        """A new register document (checked ``fields``) serving one requirement, in one transaction."""
        stamp = now_iso()
        with self.db.write() as conn:
            created = self._insert_document(conn, institution_id, user, stamp, fields)
            return self.insert_link(conn, cycle_id, requirement_id, created, user, stamp)

    @staticmethod
    def insert_link(
        conn: Connection, cycle_id: int, requirement_id: str, document_id: int, user: str, stamp: str
    ) -> EvidenceRef:
        """Link a document after the requirement's others (nothing new when it is linked already)."""
        links = t.evidence_links
        key = (links.c.cycle_id == cycle_id) & (links.c.requirement_id == requirement_id)
        found = conn.execute(select(links.c.id).where(key, links.c.document_id == document_id)).first()
        if found is None:
            pos = conn.execute(select(func.coalesce(func.max(links.c.position), -1)).where(key)).scalar_one()
            conn.execute(
                insert(links).values(
                    cycle_id=cycle_id,
                    requirement_id=requirement_id,
                    document_id=document_id,
                    position=int(pos) + 1,
                    linked_by=user,
                    linked_at=stamp,
                )
            )
            bump(conn, cycle_id, requirement_id, {"changed_by": user, "changed_at": stamp})
        return link_row(conn.execute(link_query().where(key, links.c.document_id == document_id)).one())

    @staticmethod
    def _link_row(conn: Connection, link_id: int) -> Any:
        row = conn.execute(link_query().where(t.evidence_links.c.id == link_id)).first()
        if row is None:
            raise NotFoundError(_("Dieser Nachweis wurde inzwischen entfernt."))
        return row

    @retrying
    def update_linked(self, link_id: int, field: str, value: Any, user: str = "") -> EvidenceRef:
        """Change a checked field of the document behind a link (the requirement's revision rises)."""
        if field not in LINK_FIELDS:
            raise ValueError(f"unknown evidence field {field!r}")
        stamp = now_iso()
        docs = t.documents
        with self.db.write() as conn:
            row = self._link_row(conn, link_id)
            conn.execute(
                update(docs)
                .where(docs.c.id == row.id)
                .values(revision=docs.c.revision + 1, changed_at=stamp, changed_by=user, **{field: value})
            )
            bump(conn, row.cycle_id, row.requirement_id, {"changed_by": user, "changed_at": stamp})
            row = self._link_row(conn, link_id)
        return link_row(row)

    @retrying
    def unlink(self, link_id: int, user: str = "") -> None:
        """Remove a link; the document stays in the register."""
        links = t.evidence_links
        with self.db.write() as conn:
            row = conn.execute(select(links).where(links.c.id == link_id)).first()
            if row is None:
                return
            conn.execute(delete(links).where(links.c.id == link_id))
            bump(conn, row.cycle_id, row.requirement_id, {"changed_by": user, "changed_at": now_iso()})

    def of_cycle(self, cycle_id: int) -> Sequence[EvidenceRef]:
        with self.db.read() as conn:
            rows = conn.execute(link_query().where(t.evidence_links.c.cycle_id == cycle_id)).all()
        return [link_row(r) for r in rows]
