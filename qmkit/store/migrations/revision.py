"""``make migration m="…"``: a new Alembic revision from the difference between ``tables.py`` and the migrations.

Runs every migration on a scratch SQLite file, lets Alembic's autogenerate compare it with
:data:`qmkit.store.tables.metadata` and writes ``scripts/versions/v<NNNN>_<slug>.py`` with the next schema number.
Review the file (autogenerate cannot see renames or data moves), then run the tests.
"""

from __future__ import annotations

import sys
import tempfile
import unicodedata
from pathlib import Path

from sqlalchemy import create_engine

from qmkit.store.migrations import LATEST, alembic_config, migration_transaction, upgrade


def make_revision(message: str) -> Path:
    """Write the next revision for ``message``; returns its path."""
    from alembic import command

    with tempfile.TemporaryDirectory(prefix="qmkit-migration-") as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'head.sqlite'}")
        try:
            upgrade(engine)
            with migration_transaction(engine) as conn:
                script = command.revision(
                    alembic_config(conn), message=message, autogenerate=True, rev_id=f"{LATEST + 1:04d}"
                )
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    path = Path(script.path)
    ascii_name = unicodedata.normalize("NFKD", path.name).encode("ascii", "ignore").decode()
    return path.rename(path.with_name(ascii_name))  # file names without umlauts (the message keeps them)


def main(argv: list[str]) -> int:
    message = " ".join(argv).strip()
    if not message:
        print('Bitte eine Beschreibung angeben: make migration m="…"', file=sys.stderr)
        return 2
    print(make_revision(message))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
