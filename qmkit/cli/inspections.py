"""Collegial inspections on the command line: ``qmkit inspection list`` and ``qmkit export inspection-report`` /
``inspection-sheet`` (the Begehungsbericht, or the empty sheet to take along, as .docx – the sheet also as .pdf
when LibreOffice is installed). As the person named by ``QMKIT_USER`` may see them."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from qmkit.config import exports_dir
from qmkit.errors import ExportError, InputError
from qmkit.i18n import _


def add_parsers(sub: Any, esub: Any) -> None:
    inspection = sub.add_parser("inspection", help=_("Kollegiale Begehungen eines Netzwerks"))
    isub = inspection.add_subparsers(dest="inspection_command", required=True, metavar=_("AKTION"))
    listing = isub.add_parser("list", help=_("Begehungen je Runde: Nr., Datum, gastgebende Einrichtung, Stand"))
    listing.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
    for name, text in (
        ("inspection-report", _("Begehungsbericht als Word (.docx)")),
        ("inspection-sheet", _("leerer Begehungsbogen zum Mitnehmen (.docx oder .pdf)")),
    ):
        report = esub.add_parser(name, help=text)
        report.add_argument("--inspection", type=int, required=True, help=_("Nr. der Begehung (qmkit inspection list)"))
        report.add_argument("--out", type=Path, help=_("Zieldatei (Standard: exports/…docx)"))


def _service() -> Any:
    from qmkit.cli.network import _service as networks
    from qmkit.services.inspections import InspectionService
    from qmkit.store import Store

    return InspectionService(networks(Store()))


def inspection_list(args: argparse.Namespace) -> int:
    from qmkit.cli.network import _pick
    from qmkit.domain.inspection import STATUS_LABELS

    service = _service()
    network = service.networks.network(_pick(service.networks, args.network))
    members = {m.id: m.name for m in service.networks.members(network.id)}
    for found in service.networks.rounds(network.id):
        print(_("Runde: {name}").format(name=found.name))
        rows = service.inspections(network.id, found.id)
        topics = ", ".join(t.title for t in service.topics(network.id, found.id))
        print("  " + _("Schwerpunktthemen: {topics}").format(topics=topics or "–"))
        for inspection, mine in rows:
            host = members.get(inspection.host_member_id, _("ein Mitglied"))
            status = _(STATUS_LABELS[inspection.status])
            access = "" if mine else " " + _("(nur für Beteiligte)")
            print(f"  {inspection.id:>4}  {inspection.day:%d.%m.%Y}  {host}  – {status}{access}")
        if not rows:
            print("  " + _("noch keine Begehung geplant"))
    return 0


def export_inspection(args: argparse.Namespace) -> int:
    from qmkit.documents.inspection_report import (
        inspection_filename,
        inspection_report_document,
        inspection_sheet_document,
    )
    from qmkit.documents.word import save_document

    found = _service().report(args.inspection)
    sheet = args.export_command == "inspection-sheet"
    kind = _("Begehungsbogen") if sheet else _("Begehungsbericht")
    out: Path = args.out or exports_dir() / inspection_filename(found, kind)
    doc = inspection_sheet_document(found) if sheet else inspection_report_document(found)
    if out.suffix.lower() == ".pdf" and sheet:
        _save_pdf(doc, out)
    elif out.suffix.lower() == ".docx":
        save_document(doc, out)
    else:
        allowed = ".docx oder .pdf" if sheet else ".docx"
        raise InputError(_("Bitte eine Zieldatei mit {allowed} angeben.").format(allowed=allowed), "out")
    print(_("{kind} gespeichert: {path}").format(kind=kind, path=out))
    return 0


def _save_pdf(doc: Any, out: Path) -> None:
    """The document through LibreOffice (installed on the machine; nothing is downloaded)."""
    from qmkit.documents.word import save_document
    from qmkit.excel.style import save_atomic

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExportError(_("Für .pdf wird LibreOffice gebraucht; bitte .docx wählen oder LibreOffice installieren."))
    with tempfile.TemporaryDirectory(prefix="qmkit-pdf-") as work:
        source = save_document(doc, Path(work) / "bogen.docx")
        command = [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf",
                   "--outdir", work, str(source)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        pdf = Path(work) / "bogen.pdf"
        if result.returncode != 0 or not pdf.exists():
            raise ExportError(_("LibreOffice konnte den Bogen nicht als PDF speichern."))
        data = pdf.read_bytes()
    save_atomic(out, lambda tmp: Path(tmp).write_bytes(data))
