"""``qmkit export selfreport``: the Selbstreport of a cycle as a Word document, in qmkit's layout or from the
organisation's template (see :mod:`qmkit.documents.selfreport` for the placeholders)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qmkit.config import exports_dir, login_name
from qmkit.errors import InputError
from qmkit.i18n import _

MAX_TEMPLATE = 20 * 1024 * 1024


def add_parsers(esub: Any) -> None:
    report = esub.add_parser("selfreport", help=_("Selbstreport eines Zyklus als Word (.docx)"))
    report.add_argument("--institution", help=_("Name der Einrichtung"))
    report.add_argument("--cycle", help=_("Name des Zyklus (Standard: der neueste)"))
    report.add_argument("--template", type=Path, help=_("eigene Word-Vorlage (.docx) mit Platzhaltern"))
    report.add_argument("--out", type=Path, help=_("Zieldatei .docx (Standard: exports/…docx)"))
    audit = esub.add_parser("audit-report", help=_("Bericht über ein internes Audit als Word (.docx)"))
    audit.add_argument("--institution", help=_("Name der Einrichtung"))
    audit.add_argument("--cycle", help=_("Name des Zyklus (Standard: der neueste)"))
    audit.add_argument("--audit", type=int, help=_("Nr. des Audits (Standard: das neueste des Zyklus)"))
    audit.add_argument("--out", type=Path, help=_("Zieldatei .docx (Standard: exports/…docx)"))


def export_selfreport(args: argparse.Namespace) -> int:
    from qmkit.cli.exchange import find_cycle
    from qmkit.documents.selfreport import selfreport_document, selfreport_filename
    from qmkit.documents.word import save_document
    from qmkit.services.access import Access
    from qmkit.services.people import identify
    from qmkit.services.written import WrittenWork
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    template = None
    if args.template is not None:
        if args.template.suffix.lower() != ".docx" or not args.template.is_file():
            raise InputError(_("Die Vorlage muss eine vorhandene .docx-Datei sein: {path}").format(path=args.template))
        if args.template.stat().st_size > MAX_TEMPLATE:
            raise InputError(_("Die Vorlage ist größer als 20 MB."), "template")
        template = args.template.read_bytes()
    if args.out is not None and args.out.suffix.lower() != ".docx":
        raise InputError(_("Bitte eine Zieldatei mit .docx angeben."), "out")
    store = Store()
    cycle = find_cycle(store, args.institution, args.cycle)
    written = WrittenWork(store, discover(), Access(store, identify(store, login_name())))
    report = written.self_report(cycle.id)
    out = args.out or exports_dir() / selfreport_filename(report)
    save_document(selfreport_document(report, template), out)
    print(_("Selbstreport gespeichert: {path}").format(path=out))
    return 0


def export_audit_report(args: argparse.Namespace) -> int:
    from qmkit.cli.exchange import find_cycle
    from qmkit.documents.audit_report import audit_filename, audit_report_document
    from qmkit.documents.word import save_document
    from qmkit.services.access import Access
    from qmkit.services.audits import InternalAudit
    from qmkit.services.people import identify
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    if args.out is not None and args.out.suffix.lower() != ".docx":
        raise InputError(_("Bitte eine Zieldatei mit .docx angeben."), "out")
    store = Store()
    cycle = find_cycle(store, args.institution, args.cycle)
    audit = InternalAudit.open(store, cycle.id, discover(), access=Access(store, identify(store, login_name())))
    records = audit.records()
    if not records:
        raise InputError(_("Im Zyklus „{name}“ gibt es noch kein internes Audit.").format(name=cycle.name), "audit")
    report = audit.report(args.audit if args.audit is not None else records[0].id)
    out = args.out or exports_dir() / audit_filename(report)
    save_document(audit_report_document(report), out)
    print(_("Auditbericht gespeichert: {path}").format(path=out))
    return 0
