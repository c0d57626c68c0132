"""A file upload that checks the size in the browser and sends the file in 1 MiB pieces.

ipywidgets' FileUpload sends a whole file as one websocket message (capped at 10 MiB; a larger pick can
drop the connection). This widget (anywidget, a small ES module shipped inline, nothing loaded from the
network) refuses a too-large file before sending anything and streams the rest to disk with its hash.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import anywidget
import traitlets

from qmkit.domain.evidence import size_text
from qmkit.errors import QmkitError, UploadError
from qmkit.i18n import _

CHUNK_BYTES = 1024 * 1024
ASSETS = Path(__file__).resolve().parent.parent / "assets"


class Transfer(Protocol):
    def add(self, chunk: bytes | memoryview) -> None: ...
    def finish(self) -> Any: ...
    def abort(self) -> None: ...


class Receiver(Protocol):
    """Where the pieces go: the evidence folder (by hash) or memory (a checklist to read once)."""

    max_bytes: int

    def begin(self, name: Any, size: int) -> Transfer: ...
    def too_large(self, size: int) -> str: ...


class ChunkedUpload(anywidget.AnyWidget):
    """Calls ``on_file(stored)`` for each file that arrived whole, ``on_error(message)`` for each refusal."""

    _esm = ASSETS / "upload.js"
    _css = ASSETS / "upload.css"
    label = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)
    chunk_bytes = traitlets.Int(CHUNK_BYTES).tag(sync=True)
    too_big_text = traitlets.Unicode("").tag(sync=True)
    empty_text = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(True).tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        files: Receiver,
        on_file: Callable[[Any], None],
        on_error: Callable[[str], None],
        label: str = "",
        multiple: bool = True,
        accept: str = "",
    ):
        limit = size_text(files.max_bytes)
        super().__init__(
            label=label or _("Dateien wählen … (je höchstens {limit})").format(limit=limit),
            max_bytes=files.max_bytes,
            too_big_text=_("Zu groß – höchstens {limit} je Datei. Nichts wurde übertragen.").format(limit=limit),
            empty_text=_("Die Datei ist leer."),
            multiple=multiple,
            accept=accept,
        )
        self.files, self.on_file, self.on_error = files, on_file, on_error
        self.incoming: Transfer | None = None
        self.on_msg(lambda _widget, content, buffers: self.receive(content, buffers))

    def receive(self, content: dict[str, Any], buffers: list[Any] | None = None) -> Any:
        """Handle one message from the browser (the tests send the same messages); refusals go to ``on_error``."""
        try:
            return self._handle(content, buffers)
        except QmkitError as exc:
            self.on_error(str(exc))
            return None

    def _handle(self, content: dict[str, Any], buffers: list[Any] | None) -> Any:
        kind = content.get("kind") if isinstance(content, dict) else None
        if kind == "refused":
            size = int(content.get("size") or 0)
            if size <= 0:
                raise UploadError(_("Die Datei ist leer. Bitte eine Datei mit Inhalt wählen."))
            raise UploadError(
                _("„{name}“: ").format(name=str(content.get("name", ""))[:120]) + self.files.too_large(size)
            )
        if kind == "start":
            if self.incoming is not None:
                self.incoming.abort()
            self.incoming = None
            self.incoming = self.files.begin(content.get("name", ""), int(content.get("size") or 0))
            return None
        if kind == "chunk":
            if self.incoming is None:
                return None  # the rest of a refused file
            try:
                for piece in buffers or []:
                    self.incoming.add(piece if isinstance(piece, bytes | memoryview) else bytes(piece))
            except UploadError:
                self.incoming = None  # aborted: the file's remaining pieces are ignored
                raise
            return None
        if kind == "end":
            if self.incoming is None:
                return None
            incoming, self.incoming = self.incoming, None
            stored = incoming.finish()
            self.on_file(stored)
            return stored
        return None

    def close(self) -> None:
        if self.incoming is not None:
            self.incoming.abort()
            self.incoming = None
        super().close()
