"""Start Voilà on the qmkit notebooks with the settings qmkit needs (loopback, preheated kernels, culling)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .config import NOTEBOOKS_DIR, data_dir, exports_dir

START_NOTEBOOK = "Start.ipynb"


DEFAULT_CULL_AFTER = 900


def voila_command(
    port: int, host: str, pool_size: int = 1, notebooks: Path = NOTEBOOKS_DIR, cull_after: int = DEFAULT_CULL_AFTER
) -> list[str]:
    """The Voilà command line (also used by the tests and the benchmark).

    Every page view holds a kernel (~140 MiB) and Voilà does not end it when the browser navigates away;
    kernels without a connected page are therefore ended after ``cull_after`` idle seconds. Open pages stay
    connected and are never culled; preheated pool kernels are protected by Voilà.
    """
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
        f"--MappingKernelManager.cull_interval={max(1, min(60, cull_after // 2))}",
        f"--MappingKernelManager.cull_idle_timeout={cull_after}",
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
