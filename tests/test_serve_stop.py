"""`qmkit serve` under a service manager: SIGTERM (like Ctrl+C) ends both Voilà servers and every kernel."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.test_browser import start_server


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc: children of children, too)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_ends_both_servers_and_every_kernel(tmp_path: Path):
    proc, log, _base, _env = start_server(tmp_path)
    try:
        data = tmp_path / "data"  # issue 18.13: the data folder and the store are the owner's only
        assert (data.stat().st_mode & 0o777, (data / "qmkit.sqlite").stat().st_mode & 0o777) == (0o700, 0o600)
        below = _descendants(proc.pid)
        assert len(below) >= 4  # two Voilà servers and their preheated kernels
        os.kill(proc.pid, signal.SIGTERM)  # only the qmkit process, as systemd's stop does by default
        proc.wait(30)
        deadline = time.time() + 30
        while time.time() < deadline and any(_alive(p) for p in below):
            time.sleep(0.3)
        assert [p for p in below if _alive(p)] == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
