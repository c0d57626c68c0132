"""Small uploads read once and not kept (a checklist, a feedback file, a catalog list): received into memory.

The same checks as an evidence upload: the size before and during the transfer, an empty or broken transfer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qmkit.domain.evidence import display_name, size_text, too_large_message
from qmkit.errors import UploadError
from qmkit.i18n import _


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
