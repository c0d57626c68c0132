"""The evidence register (Nachweise): documents with their metadata and the files kept by content hash.

A document belongs to an institution, serves any number of requirements and is reused in later cycles.
Uploaded files live under ``$QMKIT_DATA/evidence/<2 hex>/<sha256>``: the stored name is the hash, so no
original name can reach the file system; the original name is metadata only. Nothing here imports widgets.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from qmkit.config import evidence_dir, evidence_max_bytes
from qmkit.domain.text import clean_text, parse_day
from qmkit.errors import InputError, QmkitError
from qmkit.i18n import _

HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_MEMBER = re.compile(r"[^\w.\-()]+", re.UNICODE)


class DocumentKind(StrEnum):
    """What kind of document a piece of evidence is (German labels in :data:`KIND_LABELS`)."""

    KONZEPT = "konzept"
    VERFAHREN = "verfahren"
    PROTOKOLL = "protokoll"
    VORLAGE = "vorlage"
    BERICHT = "bericht"
    LEITBILD = "leitbild"
    VEREINBARUNG = "vereinbarung"
    ZERTIFIKAT = "zertifikat"
    SONSTIGES = "sonstiges"


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.KONZEPT: "Konzept",
    DocumentKind.VERFAHREN: "Verfahrens-/Prozessbeschreibung",
    DocumentKind.PROTOKOLL: "Protokoll",
    DocumentKind.VORLAGE: "Formular/Vorlage",
    DocumentKind.BERICHT: "Bericht/Auswertung",
    DocumentKind.LEITBILD: "Leitbild/Leitlinie",
    DocumentKind.VEREINBARUNG: "Vertrag/Vereinbarung",
    DocumentKind.ZERTIFIKAT: "Zertifikat/Bescheinigung",
    DocumentKind.SONSTIGES: "Sonstiges",
}

DOCUMENT_LABELS = {
    "title": "Titel",
    "kind": "Art",
    "version": "Version",
    "effective_on": "Stand vom",
    "owner": "Verantwortlich",
    "review_on": "Gültig bis / prüfen am",
    "on_site_only": "nur vor Ort",
    "location": "Fundstelle (Pfad oder Link)",
}
_TEXT_LIMITS = {"title": 300, "version": 100, "owner": 200, "location": 500}
DOCUMENT_FIELDS = tuple(DOCUMENT_LABELS)


@dataclass(frozen=True)
class Document:
    """One entry of the evidence register; ``file_hash`` is set when a file was uploaded."""

    id: int
    institution_id: int
    title: str = ""
    kind: DocumentKind = DocumentKind.SONSTIGES
    version: str = ""
    effective_on: date | None = None
    owner: str = ""
    review_on: date | None = None
    on_site_only: bool = False
    location: str = ""
    file_hash: str | None = None
    file_name: str = ""
    file_size: int = 0
    media_type: str = ""
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 1

    @property
    def has_file(self) -> bool:
        return self.file_hash is not None

    def expired(self, today: date) -> bool:
        """Past its review/expiry date."""
        return self.review_on is not None and self.review_on < today

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS[self.kind])


def check_document_field(name: str, value: Any) -> Any:
    """One metadata field as it may be stored, or :class:`InputError` naming the field."""
    if name in _TEXT_LIMITS:
        return clean_text(value, name, limit=_TEXT_LIMITS[name], label=DOCUMENT_LABELS[name])
    if name == "kind":
        try:
            return DocumentKind(value or DocumentKind.SONSTIGES)
        except ValueError:
            raise InputError(_("Unbekannte Dokumentart."), name) from None
    if name in ("effective_on", "review_on"):
        return parse_day(value, name, DOCUMENT_LABELS[name])
    if name == "on_site_only":
        if not isinstance(value, bool):
            raise InputError(_("„nur vor Ort“ ist ja oder nein."), name)
        return value
    raise InputError(_("Unbekanntes Feld."), name)


def check_document(values: dict[str, Any], before: Document | None = None) -> dict[str, Any]:
    """The metadata as it may be stored (all given fields checked, dates in order)."""
    clean = {name: check_document_field(name, value) for name, value in values.items()}
    effective = clean.get("effective_on", before.effective_on if before else None)
    review = clean.get("review_on", before.review_on if before else None)
    if effective and review and review < effective:
        field = "review_on" if "review_on" in clean else "effective_on"
        raise InputError(_("„Gültig bis“ liegt vor „Stand vom“. Bitte eines der beiden Daten ändern."), field)
    return clean


def display_name(name: Any) -> str:
    """An uploaded file's name as metadata: last path part only, no control characters, at most 200 characters."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    if len(text) > 200:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else text[:200]
    return text or _("Datei")


def member_name(name: str, limit: int = 80) -> str:
    """A file name that is safe in a zip and in a link on every system: letters, digits, ``.-_()`` only."""
    text = _UNSAFE_MEMBER.sub("_", display_name(name)).strip("._") or "Datei"
    stem, dot, ext = text.rpartition(".")
    if dot and 0 < len(ext) <= 10 and stem:
        return stem[: limit - len(ext) - 1].rstrip(" ._") + "." + ext
    return text[:limit]


def guess_media_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def size_text(size: int) -> str:
    """'3,4 MB' / '820 KB' / '12 Bytes' in German notation."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} Bytes"


class UploadError(QmkitError):
    """An upload was refused (too large, empty, interrupted); the message is German."""


def too_large_message(size: int, limit: int) -> str:
    return _(
        "Die Datei ist zu groß ({size}); erlaubt sind höchstens {limit}. Bitte eine kleinere Fassung (z. B. als PDF "
        "komprimiert) hochladen oder das Dokument als Verweis mit Fundstelle eintragen."
    ).format(size=size_text(size), limit=size_text(limit))


@dataclass(frozen=True)
class StoredFile:
    """A file now in the evidence folder: its hash, size and the original name as metadata."""

    digest: str
    size: int
    name: str
    media_type: str


class Incoming:
    """An upload arriving in pieces: written to a temporary file and hashed on the way, never held in memory."""

    def __init__(self, files: EvidenceFiles, name: Any, size: int, max_bytes: int):
        if size > max_bytes:
            raise UploadError(too_large_message(size, max_bytes))
        if size <= 0:
            raise UploadError(_("Die Datei ist leer. Bitte eine Datei mit Inhalt wählen."))
        self.files, self.name, self.size, self.max_bytes = files, display_name(name), size, max_bytes
        self.received = 0
        self._hash = hashlib.sha256()
        files.incoming.mkdir(parents=True, exist_ok=True)
        self.part = files.incoming / f"{uuid.uuid4().hex}.part"
        self._out: BinaryIO | None = open(self.part, "wb")

    def add(self, chunk: bytes | memoryview) -> None:
        if self._out is None:
            raise UploadError(_("Diese Übertragung ist schon beendet. Bitte die Datei noch einmal wählen."))
        if self.received + len(chunk) > min(self.size, self.max_bytes):
            self.abort()
            raise UploadError(too_large_message(self.received + len(chunk), self.max_bytes))
        self._out.write(chunk)
        self._hash.update(chunk)
        self.received += len(chunk)

    def finish(self) -> StoredFile:
        if self._out is None:
            raise UploadError(_("Diese Übertragung ist schon beendet. Bitte die Datei noch einmal wählen."))
        if self.received != self.size:
            self.abort()
            raise UploadError(
                _("Die Übertragung wurde unterbrochen ({got} von {size}). Bitte die Datei noch einmal wählen.").format(
                    got=size_text(self.received), size=size_text(self.size)
                )
            )
        self._out.close()
        self._out = None
        digest = self._hash.hexdigest()
        target = self.files.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            self.part.unlink(missing_ok=True)
        else:
            os.replace(self.part, target)
        return StoredFile(digest, self.size, self.name, guess_media_type(self.name))

    def abort(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self.part.unlink(missing_ok=True)


@dataclass(frozen=True)
class ReceivedFile:
    """A small upload held in memory (a checklist or catalog to read in): its name and bytes."""

    name: str
    content: bytes


class MemoryIncoming:
    """An upload arriving in pieces into memory, with the same checks as :class:`Incoming`."""

    def __init__(self, name: Any, size: int, max_bytes: int, too_large: Callable[[int], str]):
        if size > max_bytes:
            raise UploadError(too_large(size))
        if size <= 0:
            raise UploadError(_("Die Datei ist leer. Bitte eine Datei mit Inhalt wählen."))
        self.name, self.size, self.max_bytes, self.too_large = display_name(name), size, max_bytes, too_large
        self.parts: list[bytes] | None = []
        self.received = 0

    def add(self, chunk: bytes | memoryview) -> None:
        if self.parts is None:
            raise UploadError(_("Diese Übertragung ist schon beendet. Bitte die Datei noch einmal wählen."))
        if self.received + len(chunk) > min(self.size, self.max_bytes):
            self.abort()
            raise UploadError(self.too_large(self.received + len(chunk)))
        self.parts.append(bytes(chunk))
        self.received += len(chunk)

    def finish(self) -> ReceivedFile:
        if self.parts is None:
            raise UploadError(_("Diese Übertragung ist schon beendet. Bitte die Datei noch einmal wählen."))
        parts, self.parts = self.parts, None
        if self.received != self.size:
            raise UploadError(
                _("Die Übertragung wurde unterbrochen ({got} von {size}). Bitte die Datei noch einmal wählen.").format(
                    got=size_text(self.received), size=size_text(self.size)
                )
            )
        return ReceivedFile(self.name, b"".join(parts))

    def abort(self) -> None:
        self.parts = None


class MemoryFiles:
    """Where a small upload goes that is read once and not kept (``max_bytes`` checked before and during)."""

    def __init__(self, max_bytes: int, too_large: Callable[[int], str] | None = None):
        self.max_bytes = max_bytes
        self.too_large = too_large or (lambda size: too_large_message(size, max_bytes))

    def begin(self, name: Any, size: int) -> MemoryIncoming:
        return MemoryIncoming(name, int(size), self.max_bytes, self.too_large)


class EvidenceFiles:
    """The folder of uploaded evidence files, addressed only by SHA-256 hash."""

    def __init__(self, root: Path | None = None, max_bytes: int | None = None):
        self.root = (root or evidence_dir()).resolve()
        self.max_bytes = max_bytes if max_bytes is not None else evidence_max_bytes()
        self.incoming = self.root / ".incoming"

    def path(self, digest: str) -> Path:
        """Where the file with ``digest`` lives; anything but a SHA-256 hex digest is refused."""
        if not isinstance(digest, str) or not HASH_PATTERN.match(digest):
            raise UploadError(_("Ungültiger Dateiverweis."))
        return self.root / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def too_large(self, size: int) -> str:
        return too_large_message(size, self.max_bytes)

    def begin(self, name: Any, size: int) -> Incoming:
        """Start receiving a file of ``size`` bytes; refused at once when it is over the limit."""
        return Incoming(self, name, int(size), self.max_bytes)

    def put(self, content: bytes, name: Any) -> StoredFile:
        """Store ``content`` in one go (CLI, tests); the same limits as an upload in pieces."""
        incoming = self.begin(name, len(content))
        step = 1024 * 1024
        for start in range(0, len(content), step):
            incoming.add(content[start : start + step])
        return incoming.finish()

    def read(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()
