"""The evidence files, kept by content hash under ``$QMKIT_DATA/evidence/<2 hex>/<sha256>``.

The stored name is the hash, so no original name can reach the file system; the original name is metadata
only. An upload arrives in pieces into a temporary file and is hashed on the way, never held in memory.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from qmkit.config import evidence_dir, evidence_max_bytes, open_private, private_folder
from qmkit.domain.evidence import HASH_PATTERN, display_name, guess_media_type, size_text, too_large_message
from qmkit.errors import UploadError
from qmkit.i18n import _


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
        private_folder(files.incoming)
        self.part = files.incoming / f"{uuid.uuid4().hex}.part"
        self._out: BinaryIO | None = open(self.part, "wb", opener=open_private)

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
        private_folder(target.parent)
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
