"""``qmkit export process-map``: a cycle's process map as an Excel workbook (processes, matrix, coverage) or as the
diagram (SVG), by the suffix of ``--out``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qmkit.config import login_name
from qmkit.errors import InputError
from qmkit.i18n import _

SUFFIXES = (".xlsx", ".svg")


def add_parsers(esub: Any) -> None:
    found = esub.add_parser("process-map", help=_("Prozesslandkarte eines Zyklus als Excel (.xlsx) oder Bild (.svg)"))
    found.add_argument("--institution", help=_("Name der Einrichtung"))
    found.add_argument("--cycle", help=_("Name des Zyklus (Standard: der neueste)"))
    found.add_argument("--out", type=Path, required=True, help=_("Zieldatei .xlsx oder .svg"))


def export_process_map(args: argparse.Namespace) -> int:
    from qmkit.cli.exchange import find_cycle
    from qmkit.documents.process_svg import process_map_svg
    from qmkit.excel.process_map import process_map_workbook
    from qmkit.excel.style import save_atomic, save_workbook
    from qmkit.services.access import Access
    from qmkit.services.people import identify
    from qmkit.services.process_map import ProcessMap
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    out: Path = args.out
    if out.suffix.lower() not in SUFFIXES:
        raise InputError(_("Bitte eine Zieldatei mit .xlsx oder .svg angeben."), "out")
    store = Store()
    cycle = find_cycle(store, args.institution, args.cycle)
    data = ProcessMap.open(store, cycle.id, discover(), Access(store, identify(store, login_name()))).data()
    if out.suffix.lower() == ".svg":
        text = process_map_svg(data)
        save_atomic(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    else:
        save_workbook(process_map_workbook(data), out)
    cov = data.coverage
    print(
        _("Prozesslandkarte gespeichert: {path} ({n} Prozesse, {covered} von {total} Anforderungen bedient)").format(
            path=out, n=len(data.processes), covered=cov.covered, total=cov.total
        )
    )
    if not data.enabled:
        print(_("Hinweis: Das Qualitätsmodell {catalog} verlangt keine Prozesslandkarte.").format(catalog=data.catalog))
    return 0
