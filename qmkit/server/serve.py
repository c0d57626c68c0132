"""Start Voilà on the qmkit notebooks with the settings qmkit needs (loopback, preheated kernels, culling)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from qmkit.config import NOTEBOOKS_DIR, data_dir, exports_dir
from qmkit.i18n import language

START_NOTEBOOK = "Start.ipynb"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


DEFAULT_CULL_AFTER = 900
# nbclient waits 4 s by default for a cell's output after the kernel replied; when many kernels start at once
# (40 phones joining a workshop on 2 cores) the output came later and the page stayed blank. Wait longer.
EXECUTOR_SETTINGS = ["--VoilaExecutor.iopub_timeout=60"]


# Pages opened now and then start their kernel on request (a second or two slower) instead of keeping one
# warm: each warm kernel costs ~140 MiB and CPU at every server start.
COLD_PAGES = (
    "Katalog.ipynb",
    "Einlesen.ipynb",
    "Fristen.ipynb",
    "Rueckmeldung.ipynb",
    "Zugaenge.ipynb",
    "Prozesslandkarte.ipynb",
    "Angebote_Bedarfe.ipynb",
)
# A kernel that died is not restarted: jupyter_server's restarter brings up a blank kernel under the same id, which
# no Voilà page can use (its widgets lived in the dead one; the page needs a reload either way) and which an open
# page keeps connected, so it is never culled. Dead pool kernels are replaced by qmkit.server.kernels.
KERNEL_SETTINGS = ["--KernelManager.autorestart=False"]
# qmkit's own Voilà template (qmkit/server/share/jupyter/voila/templates/qmkit): nothing from outside the machine.
TEMPLATE_SETTINGS = ["--template=qmkit"]


def language_settings() -> list[str]:
    """The pages' ``<html lang>``: ``de``, or the language of ``QMKIT_LANG`` (screen readers pronounce the page in
    it). Voilà's template reads it from nbconvert's HTMLExporter, whose default is ``en``."""
    return [f"--HTMLExporter.language_code={language()}"]


def entry_settings(notebooks: Path) -> list[str]:
    """``/`` leads to the start page (when the folder has one)."""
    return [f"--QmkitVoila.start_page={START_NOTEBOOK}"] if (notebooks / START_NOTEBOOK).exists() else []


def voila_command(
    port: int, host: str, pool_size: int = 1, notebooks: Path = NOTEBOOKS_DIR, cull_after: int = DEFAULT_CULL_AFTER
) -> list[str]:
    """The Voilà command line (also used by the tests and the benchmark): qmkit's Voilà (:mod:`qmkit.server.app`).

    Every page view holds a kernel (~140 MiB) and Voilà does not end it when the browser navigates away;
    kernels without a connected page are therefore ended after ``cull_after`` idle seconds. Open pages stay
    connected and are never culled; preheated pool kernels are protected by Voilà.
    """
    return [
        sys.executable,
        "-m",
        "qmkit.server.app",
        str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        *TEMPLATE_SETTINGS,
        *language_settings(),
        *entry_settings(notebooks),
        "--preheat_kernel=True",
        f"--pool_size={pool_size}",
        *(f"--VoilaKernelManager.preheat_denylist={name}" for name in COLD_PAGES),
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--theme=light",
        f"--MappingKernelManager.cull_interval={max(1, min(60, cull_after // 2))}",
        f"--MappingKernelManager.cull_idle_timeout={cull_after}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.show_margins=True",
        *EXECUTOR_SETTINGS,
        *KERNEL_SETTINGS,
    ]


def join_command(port: int, host: str) -> list[str]:
    """The participant server (:mod:`qmkit.server.participants`): qmkit's own pages for workshop participants and
    survey respondents – no notebook, no kernel (a participant costs kilobytes, not a kernel each)."""
    return [
        sys.executable,
        "-m",
        "qmkit.server.participants",
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        *TEMPLATE_SETTINGS,
        "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
    ]


def lan_address() -> str:
    """This machine's address in the local network (no packet is sent), or 127.0.0.1 when there is none."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET address: only picks the outgoing interface
            return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"


def join_base_url(host: str, port: int) -> str:
    """The address participants open (in the join link and QR code)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - the participant server on every interface
        host = lan_address()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def join_url() -> str:
    """The participant server's address as ``qmkit serve`` passed it to the kernels."""
    return os.environ.get("QMKIT_JOIN_URL", "").strip() or "http://127.0.0.1:8867/"


def survey_link(token: str) -> str:
    """A survey group's link on the participant server (printed by the CLI, shown with a QR code on the page)."""
    from urllib.parse import urlencode

    return join_url().rstrip("/") + "/befragung?" + urlencode({"t": token})


def serve_environment(join_base: str | None = None) -> dict[str, str]:
    """Environment for the kernels: absolute data and export folders (kernels run in notebooks/), join URL."""
    env = dict(os.environ)
    env["QMKIT_DATA"] = str(data_dir())
    env["QMKIT_EXPORTS"] = str(exports_dir())
    if join_base:
        env["QMKIT_JOIN_URL"] = join_base
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def start_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - only for the printed URL
    return f"http://{shown}:{port}/voila/render/{START_NOTEBOOK}"
