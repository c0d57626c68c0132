"""The ``qmkit`` command: serve the app, list and validate catalogs, create a demo, export checklists.

Errors are one German line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qmkit.config import exports_dir
from qmkit.errors import CatalogError, NotFoundError, QmkitError
from qmkit.i18n import _
from qmkit.store.catalogs import discover, load_catalog

if TYPE_CHECKING:
    from qmkit.store import Store

log = logging.getLogger("qmkit.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qmkit", description=_("qmkit – Qualitätsmanagement-Werkzeugkasten"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    serve = sub.add_parser("serve", help=_("die App im Browser starten (Voilà)"))
    serve.add_argument("--port", type=int, default=8866, help=_("Port (Standard 8866)"))
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=_(
            "Adresse der Workshop-Teilnahme (Standard 127.0.0.1; 0.0.0.0 oder eine Adresse dieses Rechners "
            "öffnet sie bewusst für das lokale Netzwerk – die übrigen Seiten bleiben auf 127.0.0.1)"
        ),
    )
    serve.add_argument(
        "--join-port", type=int, default=None, help=_("Port der Workshop-Teilnahme (Standard: Port + 1)")
    )
    serve.add_argument(
        "--join-url",
        default=None,
        help=_("Adresse im Beitrittslink und QR-Code, falls anders als erkannt (z. B. http://qm-laptop:8867/)"),
    )
    serve.add_argument("--pool-size", type=int, default=1, help=_("vorgewärmte Kernel je Notebook"))
    serve.add_argument(
        "--cull-after",
        type=int,
        default=900,
        metavar="SEKUNDEN",
        help=_("Kernel verlassener Seiten nach so vielen Sekunden ohne Aktivität beenden (Standard 900)"),
    )

    catalog = sub.add_parser("catalog", help=_("Kataloge auflisten und prüfen"))
    csub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="AKTION")
    csub.add_parser("list", help=_("geladene Kataloge auflisten"))
    validate = csub.add_parser("validate", help=_("Katalogdateien prüfen"))
    validate.add_argument("paths", nargs="+", type=Path, metavar="PFAD")
    cimport = csub.add_parser(
        "import",
        help=_(
            "Excel-Anforderungsliste eines Zertifizierers als Katalog speichern (ohne --mapping: Spalten zeigen "
            "und eine Zuordnung vorschlagen)"
        ),
    )
    cimport.add_argument("path", type=Path, metavar="PFAD")
    cimport.add_argument("--mapping", type=Path, help=_("YAML-Zuordnung: sheet, header_row, columns, catalog"))
    cimport.add_argument(
        "--out", type=Path, help=_("Zielordner (Standard: erster QMKIT_STANDARDS-Ordner, sonst standards/)")
    )
    cimport.add_argument("--replace", action="store_true", help=_("eine vorhandene Datei gleichen Namens ersetzen"))

    demo = sub.add_parser("demo", help=_("Demo-Einrichtung mit teilweise ausgefüllter Selbstbewertung anlegen"))
    demo.add_argument("--catalog", default="qm4", help=_("Katalog-ID (Standard qm4)"))

    export = sub.add_parser("export", help=_("Exporte erstellen"))
    esub = export.add_subparsers(dest="export_command", required=True, metavar="ART")
    checklist = esub.add_parser("checklist", help=_("Excel-Checkliste eines Zyklus erstellen"))
    checklist.add_argument("--institution", help=_("Name der Einrichtung"))
    checklist.add_argument("--cycle", help=_("Name des Zyklus"))
    checklist.add_argument("--out", type=Path, help=_("Zieldatei (Standard: exports/…xlsx)"))
    plan = esub.add_parser("plan", help=_("Maßnahmenplan mit PDCA-Review eines Zyklus als Excel erstellen"))
    plan.add_argument("--institution", help=_("Name der Einrichtung"))
    plan.add_argument("--cycle", help=_("Name des Zyklus"))
    plan.add_argument("--out", type=Path, help=_("Zieldatei (Standard: exports/…xlsx)"))
    imp = sub.add_parser("import", help=_("Dateien einlesen"))
    isub = imp.add_subparsers(dest="import_command", required=True, metavar="ART")
    back = isub.add_parser(
        "checklist", help=_("ausgefüllte Excel-Checkliste einlesen: erst Vorschau, mit --apply übernehmen")
    )
    back.add_argument("path", type=Path, metavar="PFAD")
    back.add_argument("--apply", action="store_true", help=_("Änderungen ohne Konflikt übernehmen"))
    back.add_argument("--institution", help=_("Name der Einrichtung (nur für Dateien ohne qmkit-Exportstand)"))
    back.add_argument("--cycle", help=_("Name des Zyklus (nur für Dateien ohne qmkit-Exportstand)"))
    back.add_argument("--user", default="Excel-Import", help=_("Name, der bei den Änderungen gespeichert wird"))
    fb = isub.add_parser(
        "feedback",
        help=_(
            "Rückmeldebericht aus den Gutachter*innen-Spalten einer zurückgegebenen Checkliste: erst Vorschau, "
            "mit --apply neue Rückmeldungen übernehmen"
        ),
    )
    fb.add_argument("path", type=Path, metavar="PFAD")
    fb.add_argument("--apply", action="store_true", help=_("neue Rückmeldungen übernehmen"))
    fb.add_argument("--replace", action="store_true", help=_("mit --apply auch gespeicherte Rückmeldungen ersetzen"))
    fb.add_argument("--institution", help=_("Name der Einrichtung (nur für Dateien ohne qmkit-Exportstand)"))
    fb.add_argument("--cycle", help=_("Name des Zyklus (nur für Dateien ohne qmkit-Exportstand)"))
    fb.add_argument("--user", default="Excel-Import", help=_("Name, der bei den Änderungen gespeichert wird"))
    return parser


def _read_excel(path: Path) -> bytes:
    """An Excel file to read in: refused over the import limit before it is read, German message on failure."""
    from qmkit.excel.reading import check_size

    try:
        check_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise NotFoundError(
            _("Die Datei {path} kann nicht gelesen werden: {err}").format(path=path, err=exc.strerror)
        ) from None


def _cycle_of_file(store: Store, args: argparse.Namespace) -> int | None:
    """The cycle named by ``--cycle`` (and ``--institution``) for a file without qmkit's export record."""
    from qmkit.services.cycles import CycleService

    if not args.cycle:
        return None
    cycles = CycleService(store)
    inst = cycles.find_institution(args.institution) if args.institution else None
    matches = [c for c in cycles.cycles(inst.id if inst else None) if c.name == args.cycle]
    if len(matches) != 1:
        raise NotFoundError(_("Den Zyklus „{name}“ gibt es nicht eindeutig.").format(name=args.cycle))
    return int(matches[0].id)


def _cmd_import_feedback(args: argparse.Namespace) -> int:
    """``import feedback``: preview the assessors' findings; ``--apply`` stores new ones (``--replace`` all)."""
    from qmkit.excel.feedback_import import apply_feedback, change_label, read_feedback
    from qmkit.services.feedback_report import FeedbackReport
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store

    path: Path = args.path
    content = _read_excel(path)
    store = Store()
    catalogs = discover()
    preview = read_feedback(SelfEvaluation.opener(store, catalogs), content, path.name, _cycle_of_file(store, args))
    print(_("Vorschau für {name}: {summary}").format(name=path.name, summary=preview.summary()))
    for c in preview.changes:
        label = _("neu") if c.kind == "new" else _("geändert")
        print(f"  {label:<9} {c.requirement_id:<10} {change_label(c.new_kind)}: „{c.new_text[:70]}“")
    for text in preview.problems:
        print(_("  Problem: {t}").format(t=text))
    for text in preview.notices:
        print(_("  Hinweis: {t}").format(t=text))
    new = {c.requirement_id for c in preview.changes if c.kind == "new"}
    keys = {c.requirement_id for c in preview.changes} if args.replace else new
    if not args.apply:
        if preview.changes:
            print(_("Nichts geändert. Mit --apply werden {n} neue Rückmeldungen übernommen.").format(n=len(new)))
        return 0
    report = FeedbackReport(SelfEvaluation.open(store, preview.cycle_id, catalogs))
    result = apply_feedback(report, preview, keys, args.user)
    print(
        _("{n} Rückmeldungen übernommen; {k} gespeicherte nicht ersetzt (mit --replace ersetzen).").format(
            n=len(result.applied), k=len(preview.changes) - len(keys)
        )
    )
    for change, why in result.skipped:
        print(_("  nicht übernommen: {id}: {why}").format(id=change.requirement_id, why=why))
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    """``import checklist``: preview a filled checklist; with ``--apply`` take over what has no conflict."""
    from qmkit.excel.checklist_import import FIELD_LABELS, KIND_LABELS, apply_preview, read_checklist
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store

    path: Path = args.path
    content = _read_excel(path)
    store = Store()
    cycle_id = _cycle_of_file(store, args)
    catalogs = discover()
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), content, path.name, cycle_id)
    print(
        _("Vorschau für {name} ({source}): {summary}").format(
            name=path.name, source=preview.exported_from or "–", summary=preview.summary()
        )
    )
    for c in preview.changes:
        print(
            f"  {KIND_LABELS[c.kind]:<9} {c.requirement_id:<10} {_(FIELD_LABELS[c.field])}: "
            f"„{c.old_text[:60]}“ → „{c.new_text[:60]}“"
        )
    for text in preview.problems:
        print(_("  Problem: {t}").format(t=text))
    for text in preview.notices:
        print(_("  Hinweis: {t}").format(t=text))
    if not args.apply:
        if preview.applicable:
            print(
                _("Nichts geändert. Mit --apply werden {n} Änderungen ohne Konflikt übernommen.").format(
                    n=len(preview.applicable)
                )
            )
        return 0
    evaluation = SelfEvaluation.open(store, preview.cycle_id, catalogs)
    result = apply_preview(evaluation, preview, user=args.user)
    print(
        _("{n} Änderungen übernommen; {k} Konflikte nicht übernommen (in der App auswählen).").format(
            n=len(result.applied), k=len(preview.conflicts)
        )
    )
    for change, why in result.skipped:
        print(
            _("  nicht übernommen: {id} {f}: {why}").format(
                id=change.requirement_id, f=_(FIELD_LABELS[change.field]), why=why
            )
        )
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from qmkit.server.serve import LOOPBACK, join_base_url, join_command, serve_environment, start_url, voila_command
    from qmkit.store import Store

    Store().close()  # create or migrate the store now, with a clear message if that fails
    join_port = args.join_port or args.port + 1
    join_base = args.join_url or join_base_url(args.host, join_port)
    if args.host not in LOOPBACK:
        print(
            _(
                "Achtung: Die Workshop-Teilnahme ist im Netzwerk erreichbar ({url}); sie zeigt nur etwas mit dem "
                "Link oder Code eines Workshops. Alle anderen Seiten bleiben auf diesem Rechner."
            ).format(url=join_base),
            file=sys.stderr,
        )
    print(_("qmkit läuft: {url}  (Beenden mit Strg+C)").format(url=start_url("127.0.0.1", args.port)), flush=True)
    print(_("Workshop-Teilnahme: {url}").format(url=join_base), flush=True)
    cull = max(5, args.cull_after)
    env = serve_environment(join_base)
    servers = [
        subprocess.Popen(voila_command(args.port, "127.0.0.1", args.pool_size, cull_after=cull), env=env),
        subprocess.Popen(join_command(join_port, args.host, cull_after=cull), env=env),
    ]
    try:
        while all(s.poll() is None for s in servers):
            time.sleep(0.5)
        return next(s.returncode for s in servers if s.returncode is not None) or 0
    except KeyboardInterrupt:
        return 0
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _cmd_catalog_list(_args: argparse.Namespace) -> int:
    found = discover()
    for cat in found.sorted():
        reqs = len(cat.requirements())
        print(
            f"{cat.id:<10} {cat.version:<8} {len(cat.areas):>2} Bereiche {reqs:>4} Anforderungen  {cat.name}"
            f"  [{found.paths[cat.id]}]"
        )
    for err in found.errors:
        for problem in err.problems:
            print(_("Fehler: {p}").format(p=problem), file=sys.stderr)
    return 1 if found.errors else 0


def _cmd_catalog_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.paths:
        try:
            cat = load_catalog(path)
        except CatalogError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem)
            continue
        print(
            _("{path}: gültig – {id} {version}, {areas} Bereiche, {n} Anforderungen").format(
                path=path, id=cat.id, version=cat.version, areas=len(cat.areas), n=len(cat.requirements())
            )
        )
    return 1 if failed else 0


def _cmd_catalog_import(args: argparse.Namespace) -> int:
    """``catalog import``: show the columns and a mapping template, or build, check and save the catalog."""
    from qmkit.excel.catalog_import import (
        ROLES,
        ColumnMapping,
        build_catalog,
        guess_columns,
        load_mapping,
        mapping_yaml,
        read_sheet,
        save_catalog,
    )

    path: Path = args.path
    content = _read_excel(path)
    try:
        mapping_text = args.mapping.read_text(encoding="utf-8") if args.mapping else None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotFoundError(
            _("Die Datei {path} kann nicht gelesen werden: {err}").format(path=args.mapping, err=exc)
        ) from None
    if mapping_text is None:
        table = read_sheet(content, path.name)
        print(
            _("Blatt „{s}“, Überschriften in Zeile {n}, {r} Zeilen darunter:").format(
                s=table.name, n=table.header_row, r=len(table.rows)
            )
        )
        for label, _index in table.column_choices():
            print(f"  {label}")
        guess = guess_columns(table)
        template = ColumnMapping(
            {r: guess[r] for r in ROLES if r in guess}, "mein-katalog", "Name des Katalogs", "1", "Quelle", "qm4"
        )
        print(_("Vorschlag für eine Zuordnung (prüfen, speichern, mit --mapping angeben):"))
        print(mapping_yaml(table.name, table.header_row, template))
        return 0
    sheet, header_row, mapping = load_mapping(mapping_text, str(args.mapping))
    table = read_sheet(content, path.name, sheet, header_row)
    draft = build_catalog(table, mapping, discover(), path.name)
    for problem in draft.problems:
        print(f"  {problem}")
    saved = save_catalog(draft, args.out, replace_file=args.replace)
    print(
        _("{path}: gespeichert – {id}, {areas} Bereiche, {n} Anforderungen").format(
            path=saved, id=draft.catalog.id, areas=len(draft.catalog.areas), n=draft.requirement_count
        )
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from qmkit.services.demo import create_demo
    from qmkit.store import Store

    catalog = discover().get(args.catalog)
    store = Store()
    cycle, created = create_demo(store, catalog)
    word = _("angelegt") if created else _("gibt es schon")
    print(
        _("Demo-Einrichtung, Zyklus „{name}“ ({catalog}) {word}.").format(
            name=cycle.name, catalog=catalog.id, word=word
        )
    )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """``export checklist`` and ``export plan``: find the cycle, build the workbook, save it."""
    from qmkit.excel.checklist import build_workbook
    from qmkit.excel.plan import build_plan_workbook, plan_filename
    from qmkit.excel.style import export_filename, save_workbook
    from qmkit.services.cycles import CycleService
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store

    store = Store()
    cycles = CycleService(store)
    if args.institution:
        inst = cycles.find_institution(args.institution)
        cycle = cycles.find_cycle(inst.id, args.cycle) if args.cycle else next(iter(cycles.cycles(inst.id)), None)
    elif args.cycle:
        matches = [c for c in cycles.cycles() if c.name == args.cycle]
        if len(matches) > 1:
            raise QmkitError(
                _("Den Zyklus „{name}“ gibt es in mehreren Einrichtungen; bitte --institution angeben.").format(
                    name=args.cycle
                )
            )
        cycle = matches[0] if matches else None
    else:
        cycle = cycles.latest()
    if cycle is None:
        raise NotFoundError(_("Kein passender Zyklus gefunden. Zuerst in der App oder mit „qmkit demo“ einen anlegen."))
    data = SelfEvaluation.open(store, cycle.id, discover()).checklist_data()
    if args.export_command == "plan":
        path = save_workbook(build_plan_workbook(data), args.out or exports_dir() / plan_filename(data))
        print(_("Maßnahmenplan gespeichert: {path}").format(path=path))
    else:
        path = save_workbook(build_workbook(data), args.out or exports_dir() / export_filename(data))
        print(_("Checkliste gespeichert: {path}").format(path=path))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qmkit`` console script."""
    args = _parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "serve": _cmd_serve,
        "demo": _cmd_demo,
        "catalog list": _cmd_catalog_list,
        "catalog validate": _cmd_catalog_validate,
        "catalog import": _cmd_catalog_import,
        "export checklist": _cmd_export,
        "export plan": _cmd_export,
        "import checklist": _cmd_import,
        "import feedback": _cmd_import_feedback,
    }
    action = getattr(args, f"{args.command}_command", None)
    handler = handlers[f"{args.command} {action}" if action else args.command]
    try:
        return int(handler(args))
    except QmkitError as exc:
        print(_("Fehler: {msg}").format(msg=str(exc).replace("\n", " | ")), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        log.debug("unexpected", exc_info=True)
        print(_("Fehler: unerwartet ({kind}: {msg})").format(kind=type(exc).__name__, msg=exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
