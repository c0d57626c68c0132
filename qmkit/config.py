"""Where qmkit keeps its data, exports and catalogs; read from environment variables at call time."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
BUILTIN_STANDARDS = PROJECT_DIR / "standards"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"


# Only the owner reads qmkit's data: other users of a shared machine (a terminal server) see nothing of it.
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077


def private_folder(path: Path) -> Path:
    """``path`` as a folder; one that did not exist yet (and any missing parent) is made 0700, whatever the umask."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    for made in missing:
        os.chmod(made, PRIVATE_FOLDER)
    return path


def open_private(path: str, flags: int) -> int:
    """An ``opener`` for :func:`open`: a new file is made 0600, whatever the umask."""
    return os.open(path, flags, PRIVATE_FILE)


def private_data(folder: Path) -> None:
    """Close a data folder of an earlier release (made 0755, files 0644): the folder 0700, its files 0600.

    Only what belongs to this user is changed; the evidence files lie below a folder that is closed now.
    """
    if os.name == "nt" or not folder.is_dir() or folder.stat().st_uid != os.getuid():
        return
    os.chmod(folder, PRIVATE_FOLDER)
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink() and path.stat().st_uid == os.getuid():
            os.chmod(path, PRIVATE_FILE)


def data_dir() -> Path:
    """``$QMKIT_DATA`` or ``./data``: the SQLite store, logs and evidence files."""
    return Path(os.environ.get("QMKIT_DATA", "data")).resolve()


def evidence_dir() -> Path:
    """Uploaded evidence files, by content hash: ``<data folder>/evidence``."""
    return data_dir() / "evidence"


def evidence_max_bytes() -> int:
    """Largest evidence upload: ``$QMKIT_EVIDENCE_MAX_MB`` megabytes (default 50)."""
    raw = os.environ.get("QMKIT_EVIDENCE_MAX_MB", "").strip()
    try:
        megabytes = float(raw) if raw else 50.0
    except ValueError:
        megabytes = 50.0
    return max(1, int(megabytes * 1024 * 1024))


def exports_dir() -> Path:
    """``$QMKIT_EXPORTS`` or ``./exports``: where built workbooks are saved."""
    return Path(os.environ.get("QMKIT_EXPORTS", "exports")).resolve()


def database_url() -> str:
    """``$QMKIT_DB`` (any SQLAlchemy URL) or the SQLite file in the data folder."""
    url = os.environ.get("QMKIT_DB", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'qmkit.sqlite'}"


def standards_dirs() -> list[Path]:
    """The shipped ``standards/`` folder followed by the folders in ``$QMKIT_STANDARDS`` (os.pathsep)."""
    dirs = [BUILTIN_STANDARDS]
    for part in os.environ.get("QMKIT_STANDARDS", "").split(os.pathsep):
        if part.strip():
            dirs.append(Path(part.strip()).expanduser().resolve())
    return dirs


def login_name() -> str:
    """Who is logged in: ``$JUPYTERHUB_USER`` (set by JupyterHub for each person's server) or ``$QMKIT_USER``.

    Empty on a laptop: one local person with every right, no log-in.
    """
    return (os.environ.get("JUPYTERHUB_USER") or os.environ.get("QMKIT_USER") or "").strip()
