"""Network commands: ``qmkit demo --network N``, ``qmkit export network-report``, ``qmkit network create|list``.

They run as the person named by ``QMKIT_USER`` (or JupyterHub's user) when set, so a coordinator gets the
coordinator's view (aggregates only) on the command line too; without it as the machine's local administrator.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from qmkit.config import exports_dir, login_name
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.store.catalogs import discover

if TYPE_CHECKING:
    from qmkit.services.networks import NetworkService
    from qmkit.store import Store


def _service(store: Store) -> NetworkService:
    from qmkit.services.access import Access
    from qmkit.services.networks import NetworkService
    from qmkit.services.people import identify

    return NetworkService(store, discover(), Access(store, identify(store, login_name())))


def demo_network(args: argparse.Namespace) -> int:
    from qmkit.services.demo_network import create_demo_network
    from qmkit.store import Store

    store = Store()
    network, created = create_demo_network(store, discover(), args.catalog, args.network)
    word = _("angelegt") if created else _("gibt es schon")
    print(
        _("Netzwerk „{name}“ ({catalog}) {word}: {n} Mitglieder.").format(
            name=network.name, catalog=network.catalog_id, word=word, n=len(store.networks.members(network.id))
        )
    )
    return 0


def _pick(service: NetworkService, name: str | None) -> int:
    networks = service.networks()
    if name:
        found = [n for n in networks if n.name == name.strip()]
        if not found:
            raise NotFoundError(_("Ein Netzwerk „{name}“ gibt es nicht (oder nicht für Sie).").format(name=name))
        return found[0].id
    if len(networks) != 1:
        raise InputError(
            _("Bitte mit --network angeben, welches Netzwerk: {names}").format(
                names=", ".join(n.name for n in networks) or _("(keines)")
            ),
            "network",
        )
    return networks[0].id


def export_network_report(args: argparse.Namespace) -> int:
    """The network report of the newest (or ``--round``) round as .xlsx or .csv; ``--member``: its own copy."""
    from qmkit.documents.network_csv import network_report_csv
    from qmkit.excel.network_report import network_report_filename, network_report_workbook
    from qmkit.excel.style import save_atomic, save_workbook
    from qmkit.services.network_compare import NetworkComparison
    from qmkit.store import Store

    store = Store()
    service = _service(store)
    network_id = _pick(service, args.network)
    network = store.networks.get(network_id)
    member_id = None
    if args.member:
        found = [m for m in service.members(network_id) if m.name == args.member.strip()]
        if not found:
            raise NotFoundError(_("Ein Mitglied „{name}“ gibt es in diesem Netzwerk nicht.").format(name=args.member))
        member_id = found[0].id
    compare = NetworkComparison(service)
    reports = compare.reports(network_id, member_id)
    if args.round:
        names = [r.round_name for r in reports]
        if args.round not in names:
            raise NotFoundError(_("Eine Runde „{name}“ gibt es nicht: {names}").format(name=args.round, names=names))
        reports = reports[: names.index(args.round) + 1]
    if not reports:
        raise NotFoundError(_("Das Netzwerk hat noch keine Runde."))
    out = args.out or exports_dir() / network_report_filename(network.name, reports[-1].round_name, args.member)
    if out.suffix.lower() == ".csv":
        text = network_report_csv(reports[-1])
        save_atomic(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    elif out.suffix.lower() == ".xlsx":
        save_workbook(network_report_workbook(network, reports), out)
    else:
        raise InputError(_("Bitte eine Zieldatei mit .xlsx oder .csv angeben."), "out")
    print(_("Netzwerkbericht gespeichert: {path}").format(path=out))
    return 0


def network_create(args: argparse.Namespace) -> int:
    from qmkit.store import Store

    service = _service(Store())
    made = service.create(
        {"name": args.name, "kind": args.kind, "catalog_id": args.catalog, "threshold": args.threshold},
        args.coordinator or "",
    )
    print(_("Netzwerk „{name}“ angelegt (Katalog {catalog}).").format(name=made.name, catalog=made.catalog_id))
    return 0


def network_list(_args: argparse.Namespace) -> int:
    from qmkit.store import Store

    service = _service(Store())
    networks = service.networks()
    if not networks:
        print(_("Noch kein Netzwerk. Zum Ausprobieren: qmkit demo --network 12 --catalog qesplus"))
    for n in networks:
        joined, invited = service.member_count(n.id)
        print(
            _("{name} ({kind}, Katalog {catalog}): {joined} Mitglieder, {invited} eingeladen").format(
                name=n.name, kind=n.kind.value, catalog=n.catalog_id, joined=joined, invited=invited
            )
        )
    return 0
