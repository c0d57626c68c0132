"""Administration on the command line: the database's schema (``qmkit db …``) and who may log in (``qmkit user …``).

The command line is the administrator's tool on the server: it acts with every right.
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from typing import Any

from qmkit.domain.access import ROLE_LABELS
from qmkit.i18n import _


def db_upgrade(_args: argparse.Namespace) -> int:
    """Bring the store to this release's schema (one process at a time; the others wait for it)."""
    from qmkit.store import Store

    store = Store(upgrade=True)
    print(
        _("Datenbank {url}: Schema {version} (aktuell).").format(url=store.db.safe_url(), version=store.schema_version)
    )
    store.close()
    return 0


def db_status(_args: argparse.Namespace) -> int:
    """Which store and which schema; exit 1 with the German request to run ``qmkit db upgrade`` when it is due."""
    from qmkit.store import Store
    from qmkit.store.migrations import LATEST

    store = Store(upgrade=False)
    print(
        _("Datenbank {url}: Schema {version} von {latest}.").format(
            url=store.db.safe_url(), version=store.schema_version, latest=LATEST
        )
    )
    store.close()
    return 0


def _people() -> tuple[Any, Any]:
    from qmkit.services.cycles import CycleService
    from qmkit.services.people import People
    from qmkit.store import Store

    store = Store()
    return People(store), CycleService(store)


def user_add(args: argparse.Namespace) -> int:
    people, _cycles = _people()
    person = people.add(args.login, args.name or "", args.admin)
    word = _("Administration") if person.admin else _("ohne Rolle, bis sie eine bekommt")
    print(_("{login} ({name}) eingetragen – {word}.").format(login=person.login, name=person.name, word=word))
    return 0


def user_grant(args: argparse.Namespace) -> int:
    people, cycles = _people()
    institution = cycles.find_institution(args.institution)
    member = people.grant(args.login, institution.id, args.role)
    print(
        _("{login} ist jetzt {role} in „{institution}“.").format(
            login=member.login, role=_(ROLE_LABELS[member.role]), institution=institution.name
        )
    )
    return 0


def user_revoke(args: argparse.Namespace) -> int:
    people, cycles = _people()
    institution = cycles.find_institution(args.institution)
    if people.revoke(args.login, institution.id):
        print(
            _("{login} hat keine Rolle mehr in „{institution}“.").format(login=args.login, institution=institution.name)
        )
    else:
        print(_("{login} hatte keine Rolle in „{institution}“.").format(login=args.login, institution=institution.name))
    return 0


def user_list(args: argparse.Namespace) -> int:
    people, cycles = _people()
    if args.institution:
        institution = cycles.find_institution(args.institution)
        for m in people.members(institution.id):
            print(f"{m.login:<24} {m.name:<30} {_(ROLE_LABELS[m.role])}")
        return 0
    for person in people.everyone():
        roles = ", ".join(
            f"{_(ROLE_LABELS[m.role])} @ {cycles.institution(m.institution_id).name}"
            for m in people.store.users.memberships(person.login)
        )
        print(f"{person.login:<24} {person.name:<30} {_('Administration') if person.admin else roles or '–'}")
    return 0


def hub(args: argparse.Namespace) -> int:
    """JupyterHub with ``deploy/jupyterhub_config.py`` on this machine: log-in, a qmkit server per person."""
    import os
    import secrets
    import shutil
    import subprocess
    import sys

    from qmkit.config import PROJECT_DIR, data_dir, exports_dir
    from qmkit.errors import QmkitError
    from qmkit.store import Store

    config = PROJECT_DIR / "deploy" / "jupyterhub_config.py"
    hub_command = shutil.which(
        "jupyterhub", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    )
    if hub_command is None:
        raise QmkitError(_("JupyterHub fehlt: pip install 'qmkit[hub]' (bzw. pip install jupyterhub)."))
    if shutil.which("configurable-http-proxy") is None:
        raise QmkitError(_("Der Proxy von JupyterHub fehlt: npm install -g configurable-http-proxy (Node.js)."))
    Store(upgrade=True).close()  # migrate once here, never in a person's server
    password = os.environ.get("QMKIT_HUB_TRIAL_PASSWORD") or secrets.token_urlsafe(9)
    env = dict(
        os.environ,
        QMKIT_DATA=str(data_dir()),  # absolute: each person's server runs in a folder of its own
        QMKIT_EXPORTS=str(exports_dir()),
        QMKIT_HUB_IP=args.ip,
        QMKIT_HUB_PORT=str(args.port),
        QMKIT_HUB_API_PORT=str(args.api_port or args.port + 81),
        QMKIT_HUB_PROXY_API_PORT=str(args.proxy_api_port or args.port + 1),
        QMKIT_HUB_JOIN_PORT=str(args.join_port or args.port + 2),
        QMKIT_HUB_TRIAL_PASSWORD=password,
    )
    print(_("qmkit für mehrere Personen (Probebetrieb): http://{ip}:{port}/").format(ip=args.ip, port=args.port))
    print(_("Anmeldung: Anmeldename wie bei „qmkit user add“, Passwort {password}").format(password=password))
    print(_("Wer in qmkit keiner Einrichtung zugeordnet ist, sieht nichts. Beenden mit Strg+C."), flush=True)
    proc = subprocess.Popen([hub_command, "-f", str(config)], env=env)
    signal.signal(signal.SIGTERM, lambda *_a: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait(timeout=30)
