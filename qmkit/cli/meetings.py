"""``qmkit export meetings``: a network's meetings as a calendar file (.ics), as the person named by ``QMKIT_USER``
sees them (a member: host names only of members who agreed to be named)."""

from __future__ import annotations

import argparse
from pathlib import Path

from qmkit.config import exports_dir
from qmkit.errors import InputError
from qmkit.i18n import _


def export_meetings(args: argparse.Namespace) -> int:
    from qmkit.cli.network import _pick, _service
    from qmkit.documents.meeting_calendar import meetings_calendar, meetings_filename
    from qmkit.excel.style import save_atomic
    from qmkit.services.network_meetings import NetworkMeetings
    from qmkit.store import Store

    store = Store()
    service = _service(store)
    network = service.network(_pick(service, args.network))
    views = NetworkMeetings(service).meetings(network.id, args.year)
    out: Path = args.out or exports_dir() / meetings_filename(network.name, args.year)
    if out.suffix.lower() != ".ics":
        raise InputError(_("Bitte eine Zieldatei mit .ics angeben."), "out")
    data = meetings_calendar(network.name, [(v.meeting, v.host) for v in views])
    save_atomic(out, lambda tmp: Path(tmp).write_bytes(data))
    print(_("{n} Treffen als Kalender gespeichert: {path}").format(n=len(views), path=out))
    return 0
