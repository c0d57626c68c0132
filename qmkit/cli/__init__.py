"""The ``qmkit`` command: serve the app, list and validate catalogs, create a demo, export checklists.

Errors are one German line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from qmkit.cli import catalogs, data, inspections, network_files, process_map, survey, written
from qmkit.cli.admin import db_status, db_upgrade, hub, user_add, user_grant, user_list, user_revoke
from qmkit.cli.crosswalk import crosswalk_check, prefill
from qmkit.cli.dialogues import export_dialogues, network_dialogues
from qmkit.cli.exchange import export, import_checklist, import_feedback
from qmkit.cli.meetings import export_meetings
from qmkit.cli.network import demo_network, export_network_report, network_create, network_list
from qmkit.cli.parser import build_parser
from qmkit.errors import CatalogError, QmkitError
from qmkit.i18n import _
from qmkit.store.catalogs import discover, load_catalog

log = logging.getLogger("qmkit.cli")


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _cmd_serve(args: argparse.Namespace) -> int:
    from qmkit.config import PRIVATE_UMASK, data_dir, private_data
    from qmkit.server.app_key import ENV as APP_KEY
    from qmkit.server.app_key import app_key, link_with_key
    from qmkit.server.serve import LOOPBACK, join_base_url, join_command, serve_environment, start_url, voila_command
    from qmkit.store import Store

    os.umask(PRIVATE_UMASK)  # the servers and every page kernel inherit it: nothing they write is for others
    private_data(data_dir())  # a data folder of an earlier release (0755, files 0644) is closed now
    Store(upgrade=True).close()  # create or migrate the store now (never by a page's kernel), clear message if not
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
    url = start_url("127.0.0.1", args.port)
    env = serve_environment(join_base)
    app_env = dict(env)
    if not args.no_key:  # other users of this machine cannot open the pages without the key in the link
        app_env[APP_KEY] = app_key(data_dir())
        url = link_with_key(url, app_env[APP_KEY])
    print(_("qmkit läuft: {url}  (Beenden mit Strg+C)").format(url=url), flush=True)
    print(_("Workshop-Teilnahme: {url}").format(url=join_base), flush=True)
    cull = max(5, args.cull_after)
    servers = [
        subprocess.Popen(voila_command(args.port, "127.0.0.1", args.pool_size, cull_after=cull), env=app_env),
        subprocess.Popen(join_command(join_port, args.host), env=env),
    ]
    signal.signal(signal.SIGTERM, _stop)  # a service manager's stop ends both servers and their kernels too
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


def _cmd_demo(args: argparse.Namespace) -> int:
    from qmkit.services.demo import create_demo

    if args.network is not None:
        return demo_network(args)
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


# "command action" → the function that runs it
HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": _cmd_serve,
    "demo": _cmd_demo,
    "catalog list": _cmd_catalog_list,
    "catalog validate": _cmd_catalog_validate,
    "catalog import": catalogs.catalog_import,
    "catalog export": catalogs.catalog_export,
    "crosswalk check": crosswalk_check,
    "prefill": prefill,
    "export checklist": export,
    "export plan": export,
    "export network-report": export_network_report,
    "export invitation": network_files.export_invitation,
    "export contribution": network_files.export_contribution,
    "export network-result": network_files.export_result,
    "export survey-report": survey.export_survey_report,
    "survey create": survey.survey_create,
    "survey list": survey.survey_list,
    "survey codes": survey.survey_codes,
    "survey close": survey.survey_close,
    "import invitation": network_files.import_invitation,
    "import contribution": network_files.import_contribution,
    "import network-result": network_files.import_result,
    "export meetings": export_meetings,
    "export inspection-report": inspections.export_inspection,
    "export inspection-sheet": inspections.export_inspection,
    "inspection list": inspections.inspection_list,
    "export selfreport": written.export_selfreport,
    "export audit-report": written.export_audit_report,
    "data check": data.data_check,
    "data analyse": data.data_analyse,
    "data import": data.data_import,
    "export analysis": data.export_analysis,
    "export process-map": process_map.export_process_map,
    "export dialogues": export_dialogues,
    "network dialogues": network_dialogues,
    "network create": network_create,
    "network list": network_list,
    "import checklist": import_checklist,
    "import feedback": import_feedback,
    "db upgrade": db_upgrade,
    "db status": db_status,
    "user add": user_add,
    "user grant": user_grant,
    "user revoke": user_revoke,
    "user list": user_list,
    "hub": hub,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qmkit`` console script."""
    args = build_parser().parse_args(argv)
    action = getattr(args, f"{args.command}_command", None)
    handler = HANDLERS[f"{args.command} {action}" if action else args.command]
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
