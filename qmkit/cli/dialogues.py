"""``qmkit network dialogues`` (the round's overview: who has held, planned, not yet planned its quality dialogue)
and ``qmkit export dialogues`` (the round's dialogues as a calendar file), as the person named by ``QMKIT_USER``
sees them: a coordinator the whole round (date, place, host), ``--member`` a member's own dialogues and those it is
invited to."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmkit.config import exports_dir
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _

if TYPE_CHECKING:
    from qmkit.domain.network import Round
    from qmkit.services.quality_dialogues import QualityDialogues


def add_parsers(network_sub: Any, export_sub: Any) -> None:
    listing = network_sub.add_parser(
        "dialogues", help=_("Qualitätsdialoge einer Runde: wer durchgeführt, geplant, noch nicht geplant hat")
    )
    calendar = export_sub.add_parser("dialogues", help=_("Qualitätsdialoge einer Runde als Kalender (.ics)"))
    for parser in (listing, calendar):
        parser.add_argument("--network", help=_("Name des Netzwerks (nötig, wenn es mehrere gibt)"))
        parser.add_argument("--round", help=_("Runde (Standard: die laufende)"))
    calendar.add_argument(
        "--member", help=_("Mitglied: seine eigenen Qualitätsdialoge und die, zu denen es eingeladen ist")
    )
    calendar.add_argument("--out", type=Path, help=_("Zieldatei .ics (Standard: exports/…ics)"))


def _open(args: argparse.Namespace) -> tuple[QualityDialogues, int, Round]:
    from qmkit.cli.network import _pick, _service
    from qmkit.services.quality_dialogues import QualityDialogues
    from qmkit.store import Store

    service = _service(Store())
    network_id = _pick(service, args.network)
    dialogues = QualityDialogues(service)
    if not dialogues.offered(network_id):
        raise InputError(_("Dieses Netzwerk arbeitet nicht mit Qualitätsdialogen."), "network")
    rounds = service.rounds(network_id)
    if args.round:
        found = [r for r in rounds if r.name == args.round.strip()]
        if not found:
            names = ", ".join(r.name for r in rounds) or _("(keine)")
            raise NotFoundError(_("Eine Runde „{name}“ gibt es nicht: {names}").format(name=args.round, names=names))
        return dialogues, network_id, found[0]
    current = dialogues.current_round(network_id)
    if current is None:
        raise NotFoundError(_("Das Netzwerk hat noch keine Runde."))
    return dialogues, network_id, current


def network_dialogues(args: argparse.Namespace) -> int:
    from qmkit.domain.model import day_text
    from qmkit.domain.quality_dialogues import STATE_LABELS, DialogueState, kind_label

    dialogues, network_id, the_round = _open(args)
    overview = dialogues.overview(network_id, the_round.id)
    print(_("Qualitätsdialoge, {round}:").format(round=the_round.name))
    for kind in overview.kinds():
        counts = overview.counts[kind]
        print(
            "\n"
            + _("{kind}: {done} durchgeführt, {planned} geplant, {missing} noch nicht geplant").format(
                kind=kind_label(kind),
                done=counts[DialogueState.DURCHGEFUEHRT],
                planned=counts[DialogueState.GEPLANT],
                missing=counts[DialogueState.NICHT_GEPLANT],
            )
        )
        for row in (r for r in overview.rows if r.kind == kind):
            mark = "  ! " if row.overdue else "    "
            when = _("am {day}").format(day=day_text(row.dialogue.day)) if row.dialogue else ""
            note = "".join(f" – {x}" for x in (when, row.note) if x)
            print(f"{mark}{row.name}: {_(STATE_LABELS[row.state])}{note}")
    if overview.overdue:
        print("\n" + _("Überfällig oder knapp: {n} (mit ! markiert)").format(n=len(overview.overdue)))
    return 0


def export_dialogues(args: argparse.Namespace) -> int:
    from qmkit.documents.meeting_calendar import dialogues_filename, meetings_calendar
    from qmkit.excel.style import save_atomic

    dialogues, network_id, the_round = _open(args)
    network = dialogues.networks.network(network_id)
    member_id = None
    if args.member:
        found = [m for m in dialogues.networks.members(network_id) if m.name == args.member.strip()]
        if not found:
            raise NotFoundError(_("Ein Mitglied „{name}“ gibt es in diesem Netzwerk nicht.").format(name=args.member))
        member_id = found[0].id
    entries = dialogues.calendar(network_id, the_round.id, member_id)
    out: Path = args.out or exports_dir() / dialogues_filename(network.name, the_round.name)
    if out.suffix.lower() != ".ics":
        raise InputError(_("Bitte eine Zieldatei mit .ics angeben."), "out")
    title = _("Qualitätsdialoge {network}, {round}").format(network=network.name, round=the_round.name)
    data = meetings_calendar(network.name, entries, title=title)
    save_atomic(out, lambda tmp: Path(tmp).write_bytes(data))
    print(_("{n} Qualitätsdialoge als Kalender gespeichert: {path}").format(n=len(entries), path=out))
    return 0
