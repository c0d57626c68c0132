"""The shared installation's rows (``python benchmarks/bench.py --shared-only``): PostgreSQL and JupyterHub.

Needs a PostgreSQL database the benchmark may create schemas in: ``$QMKIT_BENCH_POSTGRES`` (or
``$QMKIT_TEST_POSTGRES``), and JupyterHub's proxy (``configurable-http-proxy``). Without them the rows say so.

- One rating click in Chromium until it is readable in PostgreSQL (``qmkit serve`` with ``QMKIT_DB``), as the
  SQLite row measures it.
- 20 processes × 100 checked writes at once on PostgreSQL: slowest single write, refused, lost.
- JupyterHub (``qmkit hub`` on PostgreSQL): from the log-in click until the person's start page is interactive
  (their server starts first), and the memory of one person's server with the start page open (the server and
  its kernels, RSS from ``/proc``).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

SHARED_WRITERS = 20
PASSWORD = "bench"


def postgres_base() -> str:
    return os.environ.get("QMKIT_BENCH_POSTGRES") or os.environ.get("QMKIT_TEST_POSTGRES") or ""


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """An empty schema of its own for one benchmark row (the tests' helper)."""
    from tests.pg import fresh_schema as schema

    with schema(base, prefix="bench_") as url:
        yield url


def _tree_rss_mib(root: int) -> float:
    """RSS of ``root`` and every process below it."""
    from benchmarks.bench import _parents

    parents = _parents()
    total = 0.0
    for pid in parents:
        ancestor = pid
        while ancestor > 1 and ancestor != root:
            ancestor = parents.get(ancestor, 1)
        if ancestor != root:
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0) / 1024
    return total


def _user_server_pid(port: int) -> int | None:
    """The person's server process (``qmkit.server.hub_user``) of the hub on ``port``'s machine."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "qmkit.server.hub_user" in cmdline:
                return int(entry.name)
    return None


def click_until_stored(url: str, work: Path, browser: Any) -> list[float]:
    """Rating clicks on the Selbstbewertung page of ``qmkit serve`` on ``url`` until each is in the database."""
    from benchmarks.bench import free_port, serving
    from qmkit.server.serve import voila_command
    from qmkit.services.demo import create_demo
    from qmkit.store import Store
    from qmkit.store import tables as t
    from qmkit.store.catalogs import discover

    store = Store(url, upgrade=True)
    catalog = discover().get("lqw")
    cycle, _ = create_demo(store, catalog)
    req = catalog.requirements()[0]
    port = free_port()
    env = dict(os.environ, QMKIT_DB=url, QMKIT_DATA=str(work / "data-pg"))
    latencies = []
    with serving(voila_command(port, "127.0.0.1", 1), env, port):
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/voila/render/Selbstbewertung.ipynb?zyklus={cycle.id}", timeout=180_000)
        page.wait_for_selector(".qm-card .widget-toggle-button", timeout=90_000)
        card = page.locator(".qm-card", has_text=f"{req.id} · {req.title}")
        a = t.assessments
        where = (a.c.cycle_id == cycle.id) & (a.c.requirement_id == req.id)
        for i in range(12):
            value = catalog.scale.values[(i + 1) % 3]
            with store.db.read() as conn:
                before = conn.execute(select(a.c.revision).where(where)).scalar()
            start = time.perf_counter()
            card.get_by_role("button", name=value.label, exact=True).click()
            while True:
                with store.db.read() as conn:
                    now = conn.execute(select(a.c.revision).where(where)).scalar()
                if now != before:
                    break
                time.sleep(0.002)
            latencies.append(time.perf_counter() - start)
        page.close()
    store.close()
    return latencies[2:]  # the first clicks warm the page


def hub_login(url: str, work: Path, browser: Any) -> dict[str, float]:
    """``qmkit hub`` on ``url``: seconds from the log-in click to the interactive start page, and memory."""
    from benchmarks.bench import free_port
    from qmkit.services.cycles import CycleService
    from qmkit.services.people import People
    from qmkit.store import Store

    store = Store(url, upgrade=True)
    inst = CycleService(store).create_institution("Bench Verbund")
    People(store).add("bench", "Bench Person")
    People(store).grant("bench", inst.id, "qmb")
    store.close()
    port = free_port()
    env = dict(os.environ, QMKIT_DB=url, QMKIT_DATA=str(work / "data-hub"), QMKIT_HUB_TRIAL_PASSWORD=PASSWORD)
    command = [str(Path(sys.executable).parent / "qmkit"), "hub", "--port", str(port)]
    command += ["--api-port", str(free_port()), "--proxy-api-port", str(free_port())]
    log = open(work / "hub.log", "w")
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 90
        while "JupyterHub is now running" not in (work / "hub.log").read_text(errors="replace"):
            if time.time() > deadline:
                raise RuntimeError("qmkit hub did not start")
            time.sleep(0.3)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/hub/login")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", PASSWORD)
        start = time.perf_counter()
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_selector(".qm-card select", state="visible", timeout=180_000)
        login_s = time.perf_counter() - start
        time.sleep(10)  # the start page's pool starts its next kernel
        server = _user_server_pid(port)
        rss = _tree_rss_mib(server) if server else float("nan")
        page.close()
        return {"hub_login_to_start_s": login_s, "hub_user_server_mib": rss}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def shared_benchmarks(work: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from benchmarks.bench import CHROMIUM_ARGS
    from benchmarks.writers import measure_writers

    base = postgres_base()
    if not base:
        return {"shared_missing": "no PostgreSQL (QMKIT_BENCH_POSTGRES)"}
    results: dict[str, Any] = {}
    with fresh_schema(base) as url:
        pg = measure_writers(url, SHARED_WRITERS)
        results.update({f"pg_{k}": v for k, v in pg.items()})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        with fresh_schema(base) as url:
            results["pg_click_s"] = click_until_stored(url, work, browser)
        with fresh_schema(base) as url:
            results.update(hub_login(url, work, browser))
        browser.close()
    return results


def shared_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "pg_click_s" not in results:
        missing = results.get("shared_missing", "not measured")
        return [("PostgreSQL and JupyterHub rows", f"not measured: {missing}", "–")]
    clicks = results["pg_click_s"]
    return [
        (
            "PostgreSQL: one rating click in Chromium until stored (median / max of 10)",
            f"{statistics.median(clicks) * 1000:.0f} ms / {max(clicks) * 1000:.0f} ms",
            "≤ 100 ms",
        ),
        (
            f"PostgreSQL: {SHARED_WRITERS} processes × 100 checked writes at once: slowest single write "
            "(p95 / median), refused, lost",
            f"{results['pg_writers_slowest_s'] * 1000:.0f} ms ({results['pg_writers_p95_s'] * 1000:.0f} / "
            f"{results['pg_writers_median_s'] * 1000:.0f} ms), {results['pg_writers_refused']} refused, "
            f"{results['pg_writers_lost']} lost ({results['pg_writers_wall_s']:.0f} s for all)",
            "< 1 s, 0, 0",
        ),
        (
            "JupyterHub (qmkit hub on PostgreSQL): log-in click until the person's start page is interactive "
            "(their server starts first)",
            f"{results['hub_login_to_start_s']:.1f} s",
            "–",
        ),
        (
            "JupyterHub: RSS of one person's server with the start page open (the server and its kernels; "
            "nothing preheated, the default)",
            f"{results['hub_user_server_mib']:.0f} MiB",
            "≤ 250 MB",
        ),
    ]
