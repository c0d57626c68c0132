"""The submission package (Einreichungspaket): one zip with the checklist, the evidence files and an index.

Files marked "only on site" stay out; the index (a sheet in the checklist and ``Inhalt.html``) maps each
requirement to its documents with relative links that work after unzipping. Planning the package is pure;
writing streams each file from the evidence folder into the zip, so memory stays flat.
"""

from __future__ import annotations

import html
import io
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font

from qmkit.config import PRIVATE_FILE, private_folder
from qmkit.domain.evidence import Document, member_name, size_text
from qmkit.domain.model import day_text
from qmkit.domain.selfeval import ChecklistData
from qmkit.errors import ExportError
from qmkit.excel.checklist import build_workbook
from qmkit.excel.style import BORDER, WRAP_TOP, export_filename, fit_rows, header, print_setup, put
from qmkit.excel.style import sheet_title as _sheet_title
from qmkit.i18n import N_, _, language

EVIDENCE_FOLDER = "Nachweise"
INDEX_SHEET = N_("Nachweis-Index")
HTML_INDEX = "Inhalt.html"
LINK_FONT = Font(name="Arial", size=10, color="0563C1", underline="single")
# Already compressed formats are stored as they are: deflating them again costs time and saves nothing.
_STORED = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods",
           ".mp4", ".mp3", ".m4a", ".heic"}  # fmt: skip


@dataclass(frozen=True)
class PackageEntry:
    """One register document in the package: where its file goes (``member``) or why it stays out."""

    document: Document
    requirement_ids: tuple[str, ...]
    member: str | None = None
    note: str = ""
    missing: bool = False  # the file should travel but is not in the evidence folder


@dataclass(frozen=True)
class PackageResult:
    path: Path
    size: int
    files: int
    entries: tuple[PackageEntry, ...]

    @property
    def missing(self) -> list[PackageEntry]:
        """Entries whose file should travel but is not in the evidence folder."""
        return [e for e in self.entries if e.missing]


class EvidenceSource(Protocol):
    """Where the evidence files are (the store's evidence folder): by content hash."""

    def exists(self, digest: str) -> bool: ...

    def path(self, digest: str) -> Path: ...


def plan_package(data: ChecklistData, files: EvidenceSource) -> list[PackageEntry]:
    """Which documents the cycle uses, in catalog order, and where each file goes in the zip."""
    order: list[Document] = []
    uses: dict[int, list[str]] = {}
    for req in data.catalog.requirements():
        for ev in data.assessment(req.id).evidence:
            if ev.document.id not in uses:
                order.append(ev.document)
                uses[ev.document.id] = []
            uses[ev.document.id].append(req.id)
    entries: list[PackageEntry] = []
    taken: set[str] = set()
    for n, doc in enumerate(order, start=1):
        reqs = tuple(uses[doc.id])
        if doc.on_site_only:
            entries.append(PackageEntry(doc, reqs, note=_("nur vor Ort – liegt bei der Begehung vor")))
        elif doc.file_hash is None:
            entries.append(PackageEntry(doc, reqs, note=_("ohne Datei – Fundstelle: {place}").format(
                place=doc.location or _("keine angegeben"))))  # fmt: skip
        elif not files.exists(doc.file_hash):
            entries.append(PackageEntry(doc, reqs, note=_("Datei fehlt im Nachweisordner"), missing=True))
        else:
            name = f"{EVIDENCE_FOLDER}/{n:03d}_{member_name(doc.file_name or doc.title)}"
            while name.casefold() in taken:
                name = name.replace("/", f"/{n:03d}", 1)
            taken.add(name.casefold())
            entries.append(PackageEntry(doc, reqs, member=name))
    return entries


def add_index_sheet(wb: Workbook, data: ChecklistData, entries: Sequence[PackageEntry], taken: set[str]) -> None:
    """The index sheet: each requirement with its documents; a file in the package is a relative link."""
    ws = wb.create_sheet(_sheet_title(_(INDEX_SHEET), taken), index=1)
    columns: list[tuple[str, float, bool]] = [
        (_("Anforderung"), 11, False),
        (_("Titel"), 34, False),
        (_("Nachweisdokument"), 34, False),
        (_("Version / Stand"), 16, False),
        (_("Datei im Paket"), 44, False),
    ]
    header(ws, columns)
    by_doc = {e.document.id: e for e in entries}
    r = 1
    for req in data.catalog.requirements():
        for ev in data.assessment(req.id).evidence:
            entry = by_doc[ev.document.id]
            doc = entry.document
            r += 1
            stand = " / ".join(x for x in (doc.version, day_text(doc.effective_on)) if x)
            for c, value in enumerate([req.id, req.title, doc.title, stand, entry.member or entry.note], start=1):
                cell = put(ws, r, c, value)
                cell.alignment, cell.border = WRAP_TOP, BORDER
            if entry.member:
                link = ws.cell(row=r, column=5)
                link.hyperlink = entry.member
                link.font = LINK_FONT
    if r == 1:
        put(ws, 2, 1, _("Diesem Zyklus sind noch keine Nachweise zugeordnet."))
    fit_rows(ws, 2, max(r, 2))
    print_setup(ws, data.institution.name, _(INDEX_SHEET))


def index_html(data: ChecklistData, entries: Sequence[PackageEntry], checklist: str) -> str:
    """``Inhalt.html``: the same index for any browser, every text escaped, links relative."""
    esc = html.escape
    by_doc = {e.document.id: e for e in entries}
    rows = []
    for req in data.catalog.requirements():
        for ev in data.assessment(req.id).evidence:
            e = by_doc[ev.document.id]
            target = (
                f'<a href="{esc(quote(e.member))}">{esc(e.member.split("/", 1)[1])}</a>' if e.member else esc(e.note)
            )
            rows.append(
                f"<tr><td>{esc(req.id)}</td><td>{esc(req.title)}</td><td>{esc(e.document.title)}</td>"
                f"<td>{esc(e.document.version)}</td><td>{target}</td></tr>"
            )
    title = _("Einreichungspaket {inst} – {cycle}").format(inst=data.institution.name, cycle=data.cycle.name)
    return (
        f'<!DOCTYPE html><html lang="{language()}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>body{{font-family:Arial,sans-serif}}td,th{{border-bottom:1px solid #ccc;"
        "padding:3px 6px;text-align:left;vertical-align:top}table{border-collapse:collapse}</style></head><body>"
        f'<h1>{esc(title)}</h1><p>{esc(_("Checkliste"))}: <a href="{esc(quote(checklist))}">{esc(checklist)}</a></p>'
        f"<table><tr><th>{esc(_('Anforderung'))}</th><th>{esc(_('Titel'))}</th><th>{esc(_('Nachweisdokument'))}</th>"
        f"<th>{esc(_('Version'))}</th><th>{esc(_('Datei'))}</th></tr>" + "".join(rows) + "</table></body></html>"
    )


def package_filename(data: ChecklistData, today: date | None = None) -> str:
    return export_filename(data, today, kind="Einreichung")[: -len(".xlsx")] + ".zip"


def build_package(data: ChecklistData, files: EvidenceSource, target: Path) -> PackageResult:
    """Write the zip to ``target`` (atomically): checklist with index sheet, ``Inhalt.html``, evidence files."""
    entries = plan_package(data, files)
    workbook = build_workbook(data, extra=lambda wb, taken: add_index_sheet(wb, data, entries, taken))
    checklist = export_filename(data)
    target = Path(target)
    tmp: str | None = None
    try:
        private_folder(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=".qmkit-", suffix=".zip", dir=target.parent)
        os.close(fd)
        count = 0
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            buffer = io.BytesIO()
            workbook.save(buffer)
            zf.writestr(checklist, buffer.getvalue())
            zf.writestr(HTML_INDEX, index_html(data, entries, checklist))
            for entry in entries:
                if entry.member and entry.document.file_hash:
                    source = files.path(entry.document.file_hash)
                    kind = zipfile.ZIP_STORED if Path(entry.member).suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
                    zf.write(source, entry.member, compress_type=kind)
                    count += 1
        os.chmod(tmp, PRIVATE_FILE)  # the institution's evidence: only the owner reads it
        os.replace(tmp, target)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise ExportError(
            _("Das Einreichungspaket kann nicht gespeichert werden ({path}): {err}").format(
                path=target, err=exc.strerror or exc
            )
        ) from exc
    return PackageResult(target, target.stat().st_size, count, tuple(entries))


def describe(result: PackageResult) -> str:
    """A German line about what went into the package."""
    outside = sum(1 for e in result.entries if e.member is None)
    return _("{files} Dateien im Paket ({size}), {outside} Dokumente nur im Index (vor Ort oder ohne Datei).").format(
        files=result.files, size=size_text(result.size), outside=outside
    )
