"""The evidence register (Nachweise): documents with their metadata, checked; names and sizes as shown.

A document belongs to an institution, serves any number of requirements and is reused in later cycles.
Uploaded files live under ``$QMKIT_DATA/evidence/<2 hex>/<sha256>``: the stored name is the hash, so no
original name can reach the file system; the original name is metadata only. Nothing here imports widgets.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.text import clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _

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
    DocumentKind.KONZEPT: N_("Konzept"),
    DocumentKind.VERFAHREN: N_("Verfahrens-/Prozessbeschreibung"),
    DocumentKind.PROTOKOLL: N_("Protokoll"),
    DocumentKind.VORLAGE: N_("Formular/Vorlage"),
    DocumentKind.BERICHT: N_("Bericht/Auswertung"),
    DocumentKind.LEITBILD: N_("Leitbild/Leitlinie"),
    DocumentKind.VEREINBARUNG: N_("Vertrag/Vereinbarung"),
    DocumentKind.ZERTIFIKAT: N_("Zertifikat/Bescheinigung"),
    DocumentKind.SONSTIGES: N_("Sonstiges"),
}

DOCUMENT_LABELS = {
    "title": N_("Titel"),
    "kind": N_("Art"),
    "version": N_("Version"),
    "effective_on": N_("Stand vom"),
    "owner": N_("Verantwortlich"),
    "review_on": N_("Gültig bis / prüfen am"),
    "on_site_only": N_("nur vor Ort"),
    "location": N_("Fundstelle (Pfad oder Link)"),
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


def too_large_message(size: int, limit: int) -> str:
    return _(
        "Die Datei ist zu groß ({size}); erlaubt sind höchstens {limit}. Bitte eine kleinere Fassung (z. B. als PDF "
        "komprimiert) hochladen oder das Dokument als Verweis mit Fundstelle eintragen."
    ).format(size=size_text(size), limit=size_text(limit))
