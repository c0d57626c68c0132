"""Plain data types of a self-evaluation: institution, cycle, assessment, evidence link.

Frozen dataclasses, no widgets, no database: the store returns them, the UI and exports read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from qmkit.domain.evidence import Document


def now_iso() -> str:
    """The current time as an ISO 8601 UTC string (sortable, portable across databases)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def day_text(day: date | None, empty: str = "") -> str:
    """'31.12.2026' for a date, ``empty`` when there is none: how every page and export shows a day."""
    return day.strftime("%d.%m.%Y") if day else empty


def local_time_text(iso: str | None) -> str:
    """'23.11.2026, 14:05' in local time, or '' when there is no timestamp."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone().strftime("%d.%m.%Y, %H:%M")


@dataclass(frozen=True)
class Institution:
    """An organisation that evaluates itself (Einrichtung) and its QM representative."""

    id: int
    name: str
    qmb: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Cycle:
    """A self-evaluation round of one institution against one catalog version (Zyklus)."""

    id: int
    institution_id: int
    name: str
    catalog_id: str
    catalog_version: str
    requirement_ids: tuple[str, ...] = ()
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class EvidenceRef:
    """A register document serving one requirement in one cycle (the link; the document holds the metadata)."""

    id: int
    cycle_id: int
    requirement_id: str
    document: Document
    position: int = 0

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def version(self) -> str:
        return self.document.version

    @property
    def location(self) -> str:
        return self.document.location

    @property
    def on_site_only(self) -> bool:
        return self.document.on_site_only


@dataclass(frozen=True)
class Assessment:
    """The self-evaluation of one requirement in one cycle; ``revision`` counts stored changes."""

    cycle_id: int
    requirement_id: str
    rating: str | None = None
    implementation: str = ""
    responsible: str = ""
    evidence: tuple[EvidenceRef, ...] = field(default_factory=tuple)
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0


@dataclass(frozen=True)
class CatalogDrift:
    """How a cycle's requirements differ from the catalog now loaded (never silently dropped)."""

    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    version_changed: bool = False

    @property
    def any(self) -> bool:
        return bool(self.removed or self.added or self.version_changed)
