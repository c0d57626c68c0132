"""``qmkit data check`` and ``qmkit data analyse``: the education office's tables (needs and offers, CSV or
.xlsx in the documented layout) checked, and the supply per 1,000 of the target population as CSV – a first step
of the offers-vs-needs analysis, without storing anything yet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qmkit.config import exports_dir
from qmkit.errors import InputError
from qmkit.i18n import _


def add_parsers(sub: Any) -> None:
    data = sub.add_parser("data", help=_("Bedarfs- und Angebotsdaten (DKBM): prüfen und auswerten"))
    dsub = data.add_subparsers(dest="data_command", required=True, metavar=_("AKTION"))
    check = dsub.add_parser("check", help=_("eine Tabelle prüfen (Bedarfe oder Angebote) und zusammenfassen"))
    check.add_argument(
        "--kind", choices=["needs", "offers"], required=True, help=_("needs = Bedarfe, offers = Angebote")
    )
    check.add_argument("path", type=Path, metavar=_("PFAD"))
    analyse = dsub.add_parser("analyse", help=_("Angebote je 1.000 der Zielbevölkerung als CSV"))
    analyse.add_argument("--needs", type=Path, required=True, help=_("Bedarfsdaten (.csv oder .xlsx)"))
    analyse.add_argument("--offers", type=Path, required=True, help=_("Angebotsverzeichnis (.csv oder .xlsx)"))
    analyse.add_argument("--out", type=Path, help=_("Zieldatei .csv (Standard: exports/Analyse.csv)"))


def _rows(path: Path) -> list[list[str]]:
    from qmkit.documents.table_files import read_table
    from qmkit.excel.reading import check_size

    if not path.is_file():
        raise InputError(_("Die Datei {path} gibt es nicht.").format(path=path), "path")
    check_size(path.stat().st_size, path.name)
    return read_table(path.read_bytes(), path.name)


def data_check(args: argparse.Namespace) -> int:
    from qmkit.domain.offers import needs_frame, offers_frame

    rows = _rows(args.path)
    if args.kind == "needs":
        frame = needs_frame(rows)
        print(
            _("Bedarfsdaten in Ordnung: {n} Werte, {d} Sozialräume, Jahre {y}, {i} Indikatoren.").format(
                n=len(frame),
                d=frame["district"].nunique(),
                i=frame["indicator"].nunique(),
                y="–".join(str(v) for v in (frame["year"].min(), frame["year"].max())) if len(frame) else "–",
            )
        )
    else:
        frame = offers_frame(rows)
        print(
            _("Angebote in Ordnung: {n} Angebote, {d} Sozialräume, {p} Plätze.").format(
                n=len(frame), d=frame["district"].nunique(), p=int(frame["places"].sum())
            )
        )
    return 0


def data_analyse(args: argparse.Namespace) -> int:
    from qmkit.documents.analysis_csv import analysis_csv
    from qmkit.domain.offers import coverage, needs_frame, offers_frame
    from qmkit.excel.style import save_atomic

    if args.out is not None and args.out.suffix.lower() != ".csv":
        raise InputError(_("Bitte eine Zieldatei mit .csv angeben."), "out")
    found = coverage(needs_frame(_rows(args.needs)), offers_frame(_rows(args.offers)))
    out: Path = args.out or exports_dir() / "Analyse_Angebote_Bedarfe.csv"
    text = analysis_csv(found)
    save_atomic(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    print(_("Analyse gespeichert: {path} ({n} Zeilen).").format(path=out, n=len(found.table)))
    if len(found.unknown):
        names = ", ".join(sorted(set(found.unknown["district"])))
        print(
            _("Nicht gezählt: {n} Angebote in Sozialräumen ohne Bedarfsdaten ({names}).").format(
                n=len(found.unknown), names=names
            )
        )
    return 0
