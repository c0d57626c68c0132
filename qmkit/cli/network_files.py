"""Network files on the command line: invitation, contribution and result (members on their own laptops).

``qmkit export invitation|contribution|network-result`` and ``qmkit import invitation|contribution|network-result``;
they run as ``QMKIT_USER`` (or JupyterHub's user) like the other network commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmkit.config import exports_dir
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _

if TYPE_CHECKING:
    from qmkit.services.network_files import NetworkFiles


def add_parsers(esub: Any, isub: Any) -> None:
    """The export and import subcommands (called by :mod:`qmkit.cli.parser`)."""
    out_help = _("Zieldatei .json (Standard: exports/…json)")
    inv = esub.add_parser(
        "invitation", help=_("Einladungsdatei für ein Mitglied ohne gemeinsamen Server (Koordination)")
    )
    inv.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
    inv.add_argument("--member", required=True, help=_("Name des eingeladenen Mitglieds"))
    inv.add_argument("--out", type=Path, help=out_help)
    con = esub.add_parser("contribution", help=_("eigenen Beitrag zu einer Runde als Datei für die Koordination"))
    con.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
    con.add_argument("--round", help=_("Runde (Standard: die neueste)"))
    con.add_argument(
        "--cycle", type=int, help=_("Nr. des Zyklus, der vorher beigetragen wird (sonst der letzte Beitrag)")
    )
    con.add_argument("--out", type=Path, help=out_help)
    res = esub.add_parser("network-result", help=_("Netzwerkergebnis (anonyme Werte aller Runden) für die Mitglieder"))
    res.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
    res.add_argument("--out", type=Path, help=out_help)
    iinv = isub.add_parser("invitation", help=_("Einladungsdatei eines Netzwerks einlesen (eigene Installation)"))
    iinv.add_argument("path", type=Path, metavar=_("PFAD"))
    iinv.add_argument("--institution", help=_("Name der eigenen Einrichtung (nötig, wenn es mehrere gibt)"))
    icon = isub.add_parser("contribution", help=_("Beitragsdateien der Mitglieder einlesen (Koordination)"))
    icon.add_argument("paths", type=Path, nargs="+", metavar=_("PFAD"))
    icon.add_argument("--replace", action="store_true", help=_("einen früheren Beitrag desselben Mitglieds ersetzen"))
    ires = isub.add_parser("network-result", help=_("Netzwerkergebnis der Koordination einlesen"))
    ires.add_argument("path", type=Path, metavar=_("PFAD"))


def _files() -> NetworkFiles:
    from qmkit.cli.network import _service
    from qmkit.services.network_compare import NetworkComparison
    from qmkit.services.network_files import NetworkFiles
    from qmkit.store import Store

    return NetworkFiles(NetworkComparison(_service(Store())))


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise NotFoundError(_("Die Datei {path} gibt es nicht.").format(path=path))
    return path.read_bytes()


def _write(out: Path | None, name: str, data: bytes, what: str) -> int:
    from qmkit.excel.style import save_atomic

    target = out or exports_dir() / name
    if target.suffix.lower() != ".json":
        raise InputError(_("Bitte eine Zieldatei mit .json angeben."), "out")
    save_atomic(target, lambda tmp: Path(tmp).write_bytes(data))
    print(_("{what} gespeichert: {path}").format(what=what, path=target))
    return 0


def _named(items: list[Any], name: str | None, what: str) -> Any:
    if name:
        found = [x for x in items if x.name == name.strip()]
        if not found:
            raise NotFoundError(_("{what} „{name}“ gibt es nicht.").format(what=what, name=name))
        return found[0]
    if not items:
        raise NotFoundError(_("{what}: keine gefunden.").format(what=what))
    return items[-1]


def export_invitation(args: argparse.Namespace) -> int:
    from qmkit.cli.network import _pick

    files = _files()
    network_id = _pick(files.networks, args.network)
    member = _named(files.networks.members(network_id), args.member, _("Ein Mitglied"))
    name, data = files.invitation(member.id)
    return _write(args.out, name, data, _("Einladungsdatei"))


def export_contribution(args: argparse.Namespace) -> int:
    from qmkit.cli.network import _pick

    files = _files()
    network_id = _pick(files.networks, args.network)
    members = [m for m in files.networks.own_members(network_id) if m.joined]
    if len(members) != 1:
        raise InputError(_("Keine (oder mehrere) eigene Mitgliedschaften in diesem Netzwerk."), "member")
    the_round = _named(files.networks.rounds(network_id), args.round, _("Eine Runde"))
    if args.cycle is not None:
        files.comparison.contribute(members[0].id, the_round.id, args.cycle)
    name, data = files.contribution(members[0].id, the_round.id)
    return _write(args.out, name, data, _("Beitragsdatei"))


def export_result(args: argparse.Namespace) -> int:
    from qmkit.cli.network import _pick

    files = _files()
    name, data = files.result(_pick(files.networks, args.network))
    return _write(args.out, name, data, _("Netzwerkergebnis"))


def import_invitation(args: argparse.Namespace) -> int:
    files = _files()
    mine = files.access.visible(files.store.institutions.all())
    institution = _named(mine, args.institution, _("Eine Einrichtung")) if args.institution or len(mine) == 1 else None
    if institution is None:
        raise InputError(_("Bitte mit --institution angeben, für welche Einrichtung."), "institution")
    member = files.join(_read(args.path), args.path.name, institution.id)
    network = files.store.networks.get(member.network_id)
    print(_("„{member}“ ist jetzt Mitglied im Netzwerk „{network}“.").format(member=member.name, network=network.name))
    return 0


def import_contribution(args: argparse.Namespace) -> int:
    files = _files()
    outcomes = files.import_contributions([(p.name, _read(p)) for p in args.paths], replace=args.replace)
    for outcome in outcomes:
        print(
            ("✓ " if outcome.done else "✗ ")
            + (outcome.message if not outcome.done else f"{outcome.file}: {outcome.message}")
        )
    return 0 if all(o.done for o in outcomes) else 1


def import_result(args: argparse.Namespace) -> int:
    network = _files().import_result(_read(args.path), args.path.name)
    print(_("Netzwerkergebnis für „{network}“ eingelesen.").format(network=network.name))
    return 0
