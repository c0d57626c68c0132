"""Rows of the evidence register as domain objects: documents, and the links that let them serve requirements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from qmkit.domain.evidence import Document, DocumentKind
from qmkit.domain.model import EvidenceRef
from qmkit.store import tables as t


def document_row(row: Any) -> Document:
    return Document(
        id=row.id,
        institution_id=row.institution_id,
        title=row.title,
        kind=next((k for k in DocumentKind if k.value == row.kind), DocumentKind.SONSTIGES),
        version=row.version,
        effective_on=row.effective_on,
        owner=row.owner,
        review_on=row.review_on,
        on_site_only=bool(row.on_site_only),
        location=row.location,
        file_hash=row.file_hash,
        file_name=row.file_name,
        file_size=row.file_size,
        media_type=row.media_type,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def document_columns(clean: dict[str, Any]) -> dict[str, Any]:
    """Checked document fields as table columns (the kind as its value)."""
    out = dict(clean)
    if "kind" in out:
        out["kind"] = str(out["kind"])
    return out


def link_query() -> Any:
    """Links joined with their documents, in the order a requirement shows them."""
    links, docs = t.evidence_links, t.documents
    return (
        select(links.c.id.label("link_id"), links.c.cycle_id, links.c.requirement_id, links.c.position, *docs.c)
        .join(docs, docs.c.id == links.c.document_id)
        .order_by(links.c.requirement_id, links.c.position, links.c.id)
    )


def link_row(row: Any) -> EvidenceRef:
    return EvidenceRef(
        id=row.link_id,
        cycle_id=row.cycle_id,
        requirement_id=row.requirement_id,
        document=document_row(row),
        position=row.position,
    )
