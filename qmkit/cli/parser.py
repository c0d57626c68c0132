"""The command line of qmkit: its commands, arguments and German help texts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qmkit.cli import data, dialogues, inspections, network_files, process_map, survey, written
from qmkit.i18n import _


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qmkit", description=_("qmkit – Qualitätsmanagement-Werkzeugkasten"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=_("BEFEHL"))

    _serve(sub)
    _catalog(sub)
    _crosswalk(sub)
    demo = sub.add_parser("demo", help=_("Demo-Einrichtung mit teilweise ausgefüllter Selbstbewertung anlegen"))
    demo.add_argument("--catalog", default="qm4", help=_("Katalog-ID (Standard qm4)"))
    demo.add_argument(
        "--network",
        type=int,
        metavar="N",
        help=_("statt einer Einrichtung ein Demo-Netzwerk „Demo-Verbund“ mit N Einrichtungen und zwei Runden"),
    )
    exports = _export(sub)
    network_files.add_parsers(exports, _import(sub))
    survey.add_parsers(sub, exports)
    inspections.add_parsers(sub, exports)
    written.add_parsers(exports)
    data.add_parsers(sub, exports)
    process_map.add_parsers(exports)
    db = sub.add_parser("db", help=_("Datenbank verwalten (Administration)"))
    dsub = db.add_subparsers(dest="db_command", required=True, metavar=_("AKTION"))
    dsub.add_parser(
        "upgrade",
        help=_("Datenbank auf den Stand dieser qmkit-Version bringen (qmkit serve tut das beim Start auch)"),
    )
    dsub.add_parser("status", help=_("Datenbank und Schema-Version anzeigen"))
    _user(sub)
    dialogues.add_parsers(_network(sub), exports)
    hub = sub.add_parser("hub", help=_("JupyterHub mit Anmeldung für mehrere Personen starten (Probebetrieb)"))
    hub.add_argument("--port", type=int, default=8000, help=_("Port (Standard 8000)"))
    hub.add_argument("--ip", default="127.0.0.1", help=_("Adresse (Standard 127.0.0.1; 0.0.0.0 öffnet bewusst)"))
    hub.add_argument("--api-port", type=int, default=None, help=_("interner Port des Hubs (Standard Port + 81)"))
    hub.add_argument("--proxy-api-port", type=int, default=None, help=_("interner Port des Proxys (Standard Port + 1)"))
    hub.add_argument(
        "--join-port", type=int, default=None, help=_("interner Port der Workshop-Teilnahme (Standard Port + 2)")
    )
    return parser


def _user(sub: Any) -> None:
    from qmkit.domain.access import Role

    user = sub.add_parser("user", help=_("Personen und Rollen einer gemeinsamen Installation (Administration)"))
    usub = user.add_subparsers(dest="user_command", required=True, metavar=_("AKTION"))
    add = usub.add_parser("add", help=_("Person mit ihrem Anmeldenamen eintragen (oder den Namen ändern)"))
    add.add_argument("login", metavar=_("ANMELDENAME"))
    add.add_argument("--name", help=_("angezeigter Name (bei „Bearbeitet von“)"))
    add.add_argument("--admin", action="store_true", help=_("darf alles in allen Einrichtungen"))
    roles = ", ".join(r.value for r in Role)
    grant = usub.add_parser("grant", help=_("Rolle in einer Einrichtung geben ({roles})").format(roles=roles))
    grant.add_argument("login", metavar=_("ANMELDENAME"))
    grant.add_argument("--institution", required=True, help=_("Name der Einrichtung"))
    grant.add_argument("--role", required=True, help=roles)
    revoke = usub.add_parser("revoke", help=_("Rolle in einer Einrichtung wegnehmen"))
    revoke.add_argument("login", metavar=_("ANMELDENAME"))
    revoke.add_argument("--institution", required=True, help=_("Name der Einrichtung"))
    listing = usub.add_parser("list", help=_("Personen (und ihre Rollen) auflisten"))
    listing.add_argument("--institution", help=_("nur die Personen dieser Einrichtung"))


def _serve(sub: Any) -> None:
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
        "--no-key",
        action="store_true",
        help=_(
            "ohne Zugangsschlüssel im Link (nur auf einem Rechner, den niemand sonst benutzt; sonst kann jede "
            "Person an diesem Rechner alle Einrichtungen sehen)"
        ),
    )
    serve.add_argument(
        "--cull-after",
        type=int,
        default=900,
        metavar=_("SEKUNDEN"),
        help=_("Kernel verlassener Seiten nach so vielen Sekunden ohne Aktivität beenden (Standard 900)"),
    )


def _catalog(sub: Any) -> None:
    catalog = sub.add_parser("catalog", help=_("Kataloge auflisten und prüfen"))
    csub = catalog.add_subparsers(dest="catalog_command", required=True, metavar=_("AKTION"))
    csub.add_parser("list", help=_("geladene Kataloge auflisten"))
    validate = csub.add_parser("validate", help=_("Katalogdateien prüfen"))
    validate.add_argument("paths", nargs="+", type=Path, metavar=_("PFAD"))
    cimport = csub.add_parser(
        "import",
        help=_(
            "Excel-Anforderungsliste eines Zertifizierers oder Bibliothek von CISO Assistant (.xlsx, .yaml) als "
            "Katalog speichern (ohne --mapping: Aufbau erkennen, Vorschau zeigen, Zuordnung vorschlagen)"
        ),
    )
    cimport.add_argument("path", type=Path, metavar=_("PFAD"))
    cimport.add_argument(
        "--mapping", type=Path, help=_("YAML-Zuordnung: sheet, header_row, layout, columns, sublevels, catalog")
    )
    cimport.add_argument(
        "--out", type=Path, help=_("Zielordner (Standard: erster QMKIT_STANDARDS-Ordner, sonst standards/)")
    )
    cimport.add_argument("--replace", action="store_true", help=_("eine vorhandene Datei gleichen Namens ersetzen"))
    cexport = csub.add_parser(
        "export", help=_("einen Katalog als bearbeitbare Excel-Anforderungsliste speichern (wieder einlesbar)")
    )
    cexport.add_argument("catalog", metavar="ID", help=_("Katalog-ID"))
    cexport.add_argument(
        "--out", type=Path, metavar=_("PFAD") + ".xlsx", help=_("Zieldatei (Standard: <ID>-anforderungsliste.xlsx)")
    )


def _crosswalk(sub: Any) -> None:
    crosswalk = sub.add_parser("crosswalk", help=_("Crosswalks (Zuordnungen zwischen zwei Katalogen) prüfen"))
    xsub = crosswalk.add_subparsers(dest="crosswalk_command", required=True, metavar=_("AKTION"))
    check = xsub.add_parser(
        "check", help=_("Crosswalk-Dateien gegen die geladenen Kataloge prüfen (ohne PFAD: alle geladenen)")
    )
    check.add_argument("paths", nargs="*", type=Path, metavar=_("PFAD"))
    prefill = sub.add_parser(
        "prefill",
        help=_(
            "einen Zyklus aus einem Zyklus mit anderem Katalog derselben Einrichtung vorbelegen (über den "
            "Crosswalk; nur leere Felder): erst Vorschau, mit --apply übernehmen"
        ),
    )
    prefill.add_argument(
        "--cycle", type=int, required=True, metavar="N", help=_("Zyklus, der vorbelegt wird (?zyklus=N)")
    )
    prefill.add_argument(
        "--from-cycle",
        type=int,
        metavar="N",
        help=_("Zyklus, aus dem übernommen wird (Standard: der neueste passende)"),
    )
    prefill.add_argument("--apply", action="store_true", help=_("übernehmen (sonst nur Vorschau)"))
    prefill.add_argument("--user", default="", help=_("Name, der bei den Änderungen gespeichert wird"))


def _export(sub: Any) -> Any:
    export = sub.add_parser("export", help=_("Exporte erstellen"))
    esub = export.add_subparsers(dest="export_command", required=True, metavar=_("ART"))
    checklist = esub.add_parser("checklist", help=_("Excel-Checkliste eines Zyklus erstellen"))
    checklist.add_argument("--institution", help=_("Name der Einrichtung"))
    checklist.add_argument("--cycle", help=_("Name des Zyklus"))
    checklist.add_argument("--out", type=Path, help=_("Zieldatei (Standard: exports/…xlsx)"))
    plan = esub.add_parser("plan", help=_("Maßnahmenplan mit PDCA-Review eines Zyklus als Excel erstellen"))
    plan.add_argument("--institution", help=_("Name der Einrichtung"))
    plan.add_argument("--cycle", help=_("Name des Zyklus"))
    plan.add_argument("--out", type=Path, help=_("Zieldatei (Standard: exports/…xlsx)"))
    report = esub.add_parser(
        "network-report", help=_("Netzwerkbericht (anonymer Vergleich) als Excel (.xlsx) oder CSV (.csv)")
    )
    report.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
    report.add_argument("--member", help=_("Mitglied, dessen eigene Kopie (mit eigener Spalte) erstellt wird"))
    report.add_argument("--round", help=_("Runde (Standard: die neueste)"))
    report.add_argument("--out", type=Path, help=_("Zieldatei .xlsx oder .csv (Standard: exports/…xlsx)"))
    meetings = esub.add_parser("meetings", help=_("Netzwerktreffen als Kalender (.ics)"))
    meetings.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
    meetings.add_argument("--year", type=int, help=_("nur die Treffen dieses Jahres"))
    meetings.add_argument("--out", type=Path, help=_("Zieldatei .ics (Standard: exports/…ics)"))
    return esub


def _import(sub: Any) -> Any:
    imp = sub.add_parser("import", help=_("Dateien einlesen"))
    isub = imp.add_subparsers(dest="import_command", required=True, metavar=_("ART"))
    back = isub.add_parser(
        "checklist", help=_("ausgefüllte Excel-Checkliste einlesen: erst Vorschau, mit --apply übernehmen")
    )
    back.add_argument("path", type=Path, metavar=_("PFAD"))
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
    fb.add_argument("path", type=Path, metavar=_("PFAD"))
    fb.add_argument("--apply", action="store_true", help=_("neue Rückmeldungen übernehmen"))
    fb.add_argument("--replace", action="store_true", help=_("mit --apply auch gespeicherte Rückmeldungen ersetzen"))
    fb.add_argument("--institution", help=_("Name der Einrichtung (nur für Dateien ohne qmkit-Exportstand)"))
    fb.add_argument("--cycle", help=_("Name des Zyklus (nur für Dateien ohne qmkit-Exportstand)"))
    fb.add_argument("--user", default="Excel-Import", help=_("Name, der bei den Änderungen gespeichert wird"))
    return isub


def _network(sub: Any) -> Any:
    network = sub.add_parser("network", help=_("Netzwerke (Verbund, Region, Kommune)"))
    nsub = network.add_subparsers(dest="network_command", required=True, metavar=_("AKTION"))
    create = nsub.add_parser("create", help=_("Netzwerk anlegen (Administration)"))
    create.add_argument("--name", required=True, help=_("Name des Netzwerks"))
    create.add_argument("--kind", default="verbund", choices=["verbund", "region", "kommune"], help=_("Art"))
    create.add_argument("--catalog", required=True, help=_("Katalog-ID, mit dem alle Mitglieder arbeiten"))
    create.add_argument("--threshold", type=int, default=5, help=_("Mindestgruppe für Werte (Standard 5, mind. 3)"))
    create.add_argument("--coordinator", help=_("Anmeldename der Person, die das Netzwerk koordiniert"))
    nsub.add_parser("list", help=_("Netzwerke anzeigen"))
    return nsub
