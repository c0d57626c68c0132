"""``qmkit data check|analyse|import`` and ``qmkit export analysis``: the education office's tables (needs and
offers, CSV or .xlsx in the documented layout or with a column mapping) checked, stored for an institution, and the
supply per 1,000 of the target population as CSV, as a workbook with charts or as a Word report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qmkit.config import exports_dir
from qmkit.errors import InputError
from qmkit.i18n import _

MAX_MAPPING_BYTES = 64 * 1024


def add_parsers(sub: Any, exports: Any) -> None:
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
    load = dsub.add_parser("import", help=_("eine Tabelle prüfen und für die Einrichtung speichern"))
    load.add_argument(
        "--kind", choices=["needs", "offers"], required=True, help=_("needs = Bedarfe, offers = Angebote")
    )
    load.add_argument("path", type=Path, metavar="PFAD")
    load.add_argument(
        "--mapping", type=Path, help=_("Zuordnung als YAML: Feld: Überschrift in der Datei (z. B. Sozialraum: Bezirk)")
    )
    _where(load)
    found = exports.add_parser(
        "analysis", help=_("Angebote und Bedarfe eines Zyklus als Excel (.xlsx), Word-Bericht (.docx) oder CSV")
    )
    _where(found)
    found.add_argument("--out", type=Path, required=True, help=_("Zieldatei .xlsx, .docx oder .csv"))
    found.add_argument("--group", default="", help=_("nur diese Zielgruppe (Standard: alle)"))
    found.add_argument("--offer-kind", action="append", default=[], help=_("nur diese Angebotsart (mehrfach möglich)"))
    found.add_argument("--year", type=int, help=_("Jahr (Standard: das neueste)"))
    found.add_argument(
        "--members",
        action="store_true",
        help=_("die Angebote einbeziehen, die die Mitglieder der koordinierten Netzwerke (Kommune) gemeldet haben"),
    )


def _where(parser: Any) -> None:
    parser.add_argument("--institution", help=_("Name der Einrichtung / Kommune"))
    parser.add_argument("--cycle", help=_("Name des Zyklus (Standard: der neueste)"))


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


def _mapping(path: Path | None) -> dict[str, str]:
    import yaml

    if path is None:
        return {}
    if not path.is_file():
        raise InputError(_("Die Datei {path} gibt es nicht.").format(path=path), "mapping")
    if path.stat().st_size > MAX_MAPPING_BYTES:
        raise InputError(_("Die Zuordnung ist zu groß (höchstens 64 KB)."), "mapping")
    try:
        found = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        message = _("Die Zuordnung ist kein lesbares YAML: {err}").format(err=type(exc).__name__)
        raise InputError(message, "mapping") from None
    if not isinstance(found, dict) or not all(isinstance(v, str | int) for v in found.values()):
        raise InputError(_("Die Zuordnung muss Zeilen „Feld: Überschrift“ enthalten."), "mapping")
    return {str(k): str(v) for k, v in found.items()}


def _service(args: argparse.Namespace) -> Any:
    from qmkit.cli.exchange import find_cycle
    from qmkit.config import login_name
    from qmkit.services.access import Access
    from qmkit.services.offers_data import OffersNeeds
    from qmkit.services.people import identify
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    store = Store()
    cycle = find_cycle(store, args.institution, args.cycle)
    return OffersNeeds.open(store, cycle.id, discover(), Access(store, identify(store, login_name())))


def data_import(args: argparse.Namespace) -> int:
    mapping = _mapping(args.mapping)
    rows = _rows(args.path)
    service = _service(args)
    made, hints = service.load(args.kind, rows, args.path.name, mapping)
    print(
        _("{kind} gespeichert: {title}, {n} Zeilen, Zyklus „{cycle}“ nutzt sie.").format(
            kind=made.kind_label, title=made.title, n=made.rows, cycle=service.evaluation.cycle.name
        )
    )
    for hint in hints:
        print(_("Hinweis: {text}").format(text=hint))
    return 0


def export_analysis(args: argparse.Namespace) -> int:
    from qmkit.documents.analysis_csv import analysis_csv
    from qmkit.documents.offers_report import offers_report_document
    from qmkit.documents.word import save_document
    from qmkit.domain.offers_analysis import Filters
    from qmkit.excel.offers_analysis import analysis_workbook
    from qmkit.excel.style import save_atomic, save_workbook

    out: Path = args.out
    if out.suffix.lower() not in (".xlsx", ".docx", ".csv"):
        raise InputError(_("Bitte eine Zieldatei mit .xlsx, .docx oder .csv angeben."), "out")
    filters = Filters(kinds=tuple(args.offer_kind), group=args.group, year=args.year)
    service = _service(args)
    networks = [n.id for n in service.members.offered()] if args.members else []
    if args.members and not networks:
        raise InputError(
            _("„{name}“ gehört zu keinem Netzwerk der Art Kommune, das Sie koordinieren.").format(
                name=service.evaluation.institution.name
            ),
            "members",
        )
    report = service.report(filters, networks)
    if out.suffix.lower() == ".csv":
        text = analysis_csv(report.analysis.found)
        save_atomic(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    elif out.suffix.lower() == ".docx":
        save_document(offers_report_document(report), out)
    else:
        save_workbook(analysis_workbook(report), out)
    worst = [f.district for f in report.analysis.districts if f.level == "kritisch"]
    print(
        _("Analyse gespeichert: {path} ({n} Sozialräume, Jahr {year}).").format(
            path=out, n=len(report.analysis.districts), year=report.analysis.year
        )
    )
    if worst:
        print(_("Vorrangig prüfen: {names}").format(names=", ".join(worst)))
    for member in report.members:
        print(_("Einbezogen: {text}").format(text=member.text))
    return 0
