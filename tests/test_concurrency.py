"""Many kernels and processes on one SQLite store: reads never wait for a writer, no write is lost or refused."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading
import time
from pathlib import Path

from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store

WRITERS, WRITES = 40, 100


def _cycle(store: Store, catalogs) -> int:
    cycles = CycleService(store)
    inst = cycles.create_institution("VHS Nebenläufig")
    return cycles.create_cycle(inst.id, "2027", catalogs.get("qm4")).id


def test_a_read_does_not_wait_for_a_writer(tmp_path: Path, catalogs):
    """While another process holds the write lock, pages still read (a plain transaction, no BEGIN IMMEDIATE)."""
    path = tmp_path / "lock.sqlite"
    store = Store(f"sqlite:///{path}")
    cycle_id = _cycle(store, catalogs)
    SelfEvaluation.open(store, cycle_id, catalogs).rate("QB1.1", "erfuellt", "A")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a colleague's save in progress
    other.execute("UPDATE cycles SET name = name")
    result: dict[str, object] = {}

    def read() -> None:
        started = time.perf_counter()
        result["rating"] = store.assessments.get(cycle_id, "QB1.1").rating
        result["seconds"] = time.perf_counter() - started

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=5)
    try:
        assert not reader.is_alive(), "das Lesen wartet auf die Schreibsperre"
        assert result["rating"] == "erfuellt"
    finally:
        other.execute("ROLLBACK")
        other.close()
        reader.join()
        store.close()


def _write(url: str, cycle_id: int, worker: int, out: mp.Queue) -> None:
    from qmkit.config import BUILTIN_STANDARDS
    from qmkit.store.catalogs import discover

    store = Store(url)
    ev = SelfEvaluation.open(store, cycle_id, discover([BUILTIN_STANDARDS]))
    reqs = [r.id for r in ev.catalog.requirements()]
    failed, slowest = [], 0.0
    for i in range(WRITES):
        started = time.perf_counter()
        try:
            ev.set_text(reqs[(worker + i) % len(reqs)], "implementation", f"w{worker}-{i}", f"Kernel {worker}")
        except Exception as exc:  # a refused write is what this test looks for
            failed.append(f"{type(exc).__name__}: {exc}")
        slowest = max(slowest, time.perf_counter() - started)
    store.close()
    out.put((worker, failed, slowest))


def test_forty_processes_write_at_once_nothing_lost_nothing_locked(tmp_path: Path, catalogs):
    url = f"sqlite:///{tmp_path / 'vierzig.sqlite'}"
    store = Store(url)
    cycle_id = _cycle(store, catalogs)
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_write, args=(url, cycle_id, n, queue)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    reports = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(30)
    failed = [f for _w, f, _s in reports if f]
    assert not failed, failed[:3]
    stored = store.assessments.of_cycle(cycle_id)
    # every write raised the revision of its row by exactly one: none lost, none doubled
    assert sum(a.revision for a in stored.values()) == WRITERS * WRITES
    assert all(a.implementation.startswith("w") for a in stored.values())
    store.close()
