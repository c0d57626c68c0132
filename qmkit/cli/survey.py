"""Survey commands: ``qmkit survey create|list|codes|close`` and ``qmkit export survey-report``.

Links point to the participant server (``QMKIT_JOIN_URL``, as ``qmkit serve`` sets it; else the default
``http://127.0.0.1:8867/``): start ``qmkit serve --host 0.0.0.0`` so that people on the network can open them.
They run as ``QMKIT_USER`` (or JupyterHub's user) when set, like the network commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmkit.config import exports_dir, login_name
from qmkit.errors import InputError
from qmkit.i18n import _

if TYPE_CHECKING:
    from qmkit.services.surveys import SurveyService
    from qmkit.store import Store


def add_parsers(sub: Any, esub: Any) -> None:
    survey = sub.add_parser("survey", help=_("Befragungen (z. B. der Systempartner): anlegen, Codes, beenden"))
    ssub = survey.add_subparsers(dest="survey_command", required=True, metavar=_("AKTION"))
    create = ssub.add_parser("create", help=_("Befragung in einem Zyklus öffnen und die Links je Gruppe zeigen"))
    create.add_argument(
        "--instrument", required=True, help=_("ID eines geladenen Instruments oder Pfad einer .yaml oder XLSForm-.xlsx")
    )
    create.add_argument("--institution", help=_("Name der Einrichtung"))
    create.add_argument("--cycle", help=_("Name des Zyklus (Standard: der neueste)"))
    create.add_argument("--title", help=_("Titel (Standard: der des Instruments)"))
    create.add_argument("--opens", help=_("Beginn TT.MM.JJJJ"))
    create.add_argument("--closes", help=_("Ende TT.MM.JJJJ"))
    create.add_argument("--threshold", type=int, help=_("Mindestgruppe (Standard: die des Instruments, mind. 3)"))
    listing = ssub.add_parser("list", help=_("Befragungen eines Zyklus mit Links und Zahl der Antworten"))
    listing.add_argument("--institution", help=_("Name der Einrichtung"))
    listing.add_argument("--cycle", help=_("Name des Zyklus (Standard: der neueste)"))
    codes = ssub.add_parser("codes", help=_("Einmal-Codes für Papier erzeugen (nur einmal angezeigt)"))
    codes.add_argument("--survey", type=int, required=True, help=_("Nr. der Befragung"))
    codes.add_argument("--group", required=True, help=_("Gruppe (ID aus dem Instrument)"))
    codes.add_argument("--count", type=int, default=20, help=_("Anzahl (Standard 20)"))
    codes.add_argument("--out", type=Path, help=_("Textdatei für die Codes (Standard: auf den Bildschirm)"))
    close = ssub.add_parser("close", help=_("Befragung beenden (danach keine Antworten mehr)"))
    close.add_argument("--survey", type=int, required=True, help=_("Nr. der Befragung"))
    report = esub.add_parser(
        "survey-report", help=_("Ergebnis einer Befragung als Excel (.xlsx), Word (.docx) oder CSV (.csv)")
    )
    report.add_argument("--survey", type=int, required=True, help=_("Nr. der Befragung"))
    report.add_argument("--out", type=Path, help=_("Zieldatei .xlsx, .docx oder .csv (Standard: exports/…xlsx)"))
    report.add_argument(
        "--evidence",
        action="store_true",
        help=_("die Datei auch ins Nachweisregister eintragen, verknüpft mit den Anforderungen, die sie informiert"),
    )


def _service(store: Store) -> SurveyService:
    from qmkit.services.access import Access
    from qmkit.services.people import identify
    from qmkit.services.surveys import SurveyService
    from qmkit.store.catalogs import discover
    from qmkit.store.instruments import discover_instruments

    found, problems = discover_instruments(discover().catalogs)
    for problem in problems:
        print(_("Instrument nicht geladen: {problem}").format(problem=problem))
    return SurveyService(store, found, Access(store, identify(store, login_name())))


def _print_links(service: SurveyService, survey_id: int) -> None:
    from qmkit.server.serve import survey_link

    survey = service.store.surveys.get(survey_id)
    for group_id, token in service.links(survey_id).items():
        print(f"  {survey.instrument.group(group_id).title}: {survey_link(token)}")


def _read_file(path: Path) -> bytes:
    from qmkit.errors import NotFoundError

    if not path.is_file():
        raise NotFoundError(_("Die Datei {path} gibt es nicht.").format(path=path))
    return path.read_bytes()


def survey_create(args: argparse.Namespace) -> int:
    from qmkit.cli.exchange import find_cycle
    from qmkit.excel.xlsform import read_xlsform
    from qmkit.store import Store
    from qmkit.store.catalogs import discover
    from qmkit.store.instruments import load_instrument

    store = Store()
    service = _service(store)
    cycle = find_cycle(store, args.institution, args.cycle)
    path = Path(args.instrument)
    instrument = None
    if path.suffix.lower() == ".xlsx":
        read = read_xlsform(_read_file(path), str(path), discover().catalogs)
        for line in read.not_taken:
            print(_("nicht übernommen: {what}").format(what=line))
        instrument = read.instrument
    elif path.suffix.lower() in (".yaml", ".yml"):
        instrument = load_instrument(path, discover().catalogs)
    instrument = instrument or service.instrument(args.instrument)
    values = {"title": args.title, "opens": args.opens, "closes": args.closes, "threshold": args.threshold}
    survey = service.create(cycle.id, instrument, {k: v for k, v in values.items() if v})
    print(
        _("Befragung Nr. {id} „{title}“ geöffnet ({cycle}). Links je Gruppe:").format(
            id=survey.id, title=survey.title, cycle=cycle.name
        )
    )
    _print_links(service, survey.id)
    return 0


def survey_list(args: argparse.Namespace) -> int:
    from qmkit.cli.exchange import find_cycle
    from qmkit.store import Store

    store = Store()
    service = _service(store)
    cycle = find_cycle(store, args.institution, args.cycle)
    surveys = service.surveys(cycle.id)
    if not surveys:
        print(_("Im Zyklus „{cycle}“ gibt es noch keine Befragung.").format(cycle=cycle.name))
    for survey in surveys:
        result = service.result(survey.id)
        print(
            _("Nr. {id} „{title}“ ({status}): {n} Antworten").format(
                id=survey.id, title=survey.title, status=survey.status.value, n=result.respondents["alle"]
            )
        )
        _print_links(service, survey.id)
    return 0


def survey_codes(args: argparse.Namespace) -> int:
    from qmkit.store import Store

    codes = _service(Store()).make_codes(args.survey, args.group, args.count)
    text = "\n".join(codes) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(
            _("{n} Codes gespeichert: {path} (nur hier sichtbar – bitte ausdrucken)").format(
                n=len(codes), path=args.out
            )
        )
    else:
        print(text, end="")
    return 0


def survey_close(args: argparse.Namespace) -> int:
    from qmkit.store import Store

    survey = _service(Store()).close(args.survey)
    print(_("Befragung „{title}“ ist beendet.").format(title=survey.title))
    return 0


def export_survey_report(args: argparse.Namespace) -> int:
    from qmkit.store import Store

    if args.evidence and args.out and args.out.suffix.lower() == ".csv":
        raise InputError(_("Ins Nachweisregister kommt der Bericht als .docx oder .xlsx, nicht die CSV."), "out")
    service = _service(Store())
    survey, result, institution = service.report(args.survey)
    out = _write_report(survey, result, institution, args.out)
    print(_("Ergebnis der Befragung gespeichert: {path}").format(path=out))
    if args.evidence:
        from qmkit.services.survey_evidence import file_survey_result

        filed = file_survey_result(service, survey.id, out.read_bytes(), out.name)
        print(
            _("Im Nachweisregister eingetragen: „{title}“, verknüpft mit {ids}.").format(
                title=filed.document.title, ids=", ".join(filed.requirements) or "–"
            )
        )
    return 0


def _write_report(survey: Any, result: Any, institution: str, out: Path | None) -> Path:
    from qmkit.documents.survey_csv import survey_csv
    from qmkit.excel.style import save_atomic, save_workbook
    from qmkit.excel.survey_report import survey_report_filename, survey_report_workbook

    out = out or exports_dir() / survey_report_filename(survey)
    if out.suffix.lower() == ".csv":
        text = survey_csv(result)
        save_atomic(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    elif out.suffix.lower() == ".xlsx":
        save_workbook(survey_report_workbook(survey, result, institution), out)
    elif out.suffix.lower() == ".docx":
        from qmkit.documents.survey_report import survey_report_document
        from qmkit.documents.word import save_document

        save_document(survey_report_document(survey, result, institution), out)
    else:
        raise InputError(_("Bitte eine Zieldatei mit .xlsx, .docx oder .csv angeben."), "out")
    return out
