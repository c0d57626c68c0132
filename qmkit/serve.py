"""Start Voilà on the qmkit notebooks with the settings qmkit needs (loopback, preheated kernels, culling)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .config import NOTEBOOKS_DIR, data_dir, exports_dir

START_NOTEBOOK = "Start.ipynb"


def voila_command(port: int, host: str, pool_size: int = 1, notebooks: Path = NOTEBOOKS_DIR) -> list[str]:
    """The Voilà command line (also used by the tests and the benchmark)."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        "--preheat_kernel=True",
        f"--pool_size={pool_size}",
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--theme=light",
        "--MappingKernelManager.cull_interval=300",
        "--MappingKernelManager.cull_idle_timeout=7200",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.show_margins=True",
    ]


def serve_environment() -> dict[str, str]:
    """Environment for the kernels: absolute data and export folders (kernels run in notebooks/)."""
    env = dict(os.environ)
    env["QMKIT_DATA"] = str(data_dir())
    env["QMKIT_EXPORTS"] = str(exports_dir())
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def start_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - only for the printed URL
    return f"http://{shown}:{port}/voila/render/{START_NOTEBOOK}"
