"""Checked changes to an institution's evidence register: uploads, references, metadata, links, deletion.

The pages and the CLI call this; it checks every value (German messages naming the field) before the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.evidence import Document, check_document
from qmkit.domain.model import EvidenceRef
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.services.access import Access, needs
from qmkit.store import Store
from qmkit.store.files import EvidenceFiles, StoredFile


class EvidenceRegister:
    """The register (Nachweisregister) of one institution and its evidence folder."""

    def __init__(
        self, store: Store, institution_id: int, files: EvidenceFiles | None = None, access: Access | None = None
    ):
        self.access = access or Access(store)
        self.access.require(institution_id, Right.READ)
        self.store, self.institution_id = store, institution_id
        self.files = files or EvidenceFiles()

    def documents(self) -> list[Document]:
        return self.store.evidence.documents(self.institution_id)

    def document(self, document_id: int) -> Document:
        doc = self.store.evidence.document(int(document_id))
        if doc.institution_id != self.institution_id:
            raise InputError(_("Dieses Dokument gehört zu einer anderen Einrichtung."), "document")
        return doc

    def usage(self) -> dict[int, list[tuple[int, str]]]:
        return self.store.evidence.usage(self.institution_id)

    @needs(Right.EDIT)
    def add_upload(self, stored: StoredFile, user: str = "", **meta: Any) -> tuple[Document, bool]:
        """A register entry for an uploaded file; the same file twice gives the existing entry (``False``)."""
        same = self.store.evidence.document_with_file(self.institution_id, stored.digest)
        if same is not None:
            return same, False
        values = check_document({"title": meta.pop("title", None) or Path(stored.name).stem or stored.name, **meta})
        doc = self.store.evidence.add_document(
            self.institution_id,
            self.access.author(user),
            file_hash=stored.digest,
            file_name=stored.name,
            file_size=stored.size,
            media_type=stored.media_type,
            **values,
        )
        return doc, True

    @needs(Right.EDIT)
    def add_reference(self, user: str = "", **meta: Any) -> Document:
        """A register entry without a file: a path, a link or a folder on site."""
        values = check_document(meta)
        if not values.get("title"):
            raise InputError(_("Bitte einen Titel für das Dokument eingeben."), "title")
        return self.store.evidence.add_document(self.institution_id, self.access.author(user), **values)

    @needs(Right.EDIT)
    def update(self, doc: Document, field: str, value: Any, user: str = "") -> Document:
        """Change one metadata field (checked against the document's other fields)."""
        current = self.document(doc.id)
        clean = check_document({field: value}, before=current)
        if field == "title" and not clean["title"]:
            raise InputError(_("Bitte einen Titel für das Dokument eingeben."), "title")
        return self.store.evidence.update_document(doc.id, field, clean[field], self.access.author(user))

    @needs(Right.EDIT)
    def delete(self, doc: Document, unlink: bool = False, user: str = "") -> None:
        """Remove an entry (with ``unlink`` also from every requirement); its file goes when no entry holds it."""
        current = self.document(doc.id)
        self.store.evidence.delete_document(current.id, unlink=unlink, user=self.access.author(user))
        if current.file_hash and current.file_hash not in self.store.evidence.files_in_use():
            self.files.path(current.file_hash).unlink(missing_ok=True)

    @needs(Right.EDIT)
    def link(self, cycle_id: int, requirement_id: str, doc: Document, user: str = "") -> EvidenceRef:
        self.document(doc.id)
        if self.store.cycles.get(int(cycle_id)).institution_id != self.institution_id:
            raise InputError(_("Dieses Dokument gehört zu einer anderen Einrichtung."), "document")
        return self.store.evidence.link(cycle_id, requirement_id, doc.id, self.access.author(user))

    @needs(Right.EDIT)
    def unlink(self, link_id: int, user: str = "") -> None:
        self.store.evidence.unlink(int(link_id), self.access.author(user))
