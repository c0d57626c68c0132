"""Administration on the command line: the database's schema (``qmkit db upgrade`` / ``qmkit db status``)."""

from __future__ import annotations

import argparse

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
