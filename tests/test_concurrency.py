"""Many kernels and processes on one SQLite store: reads never wait for a writer, no write is lost or refused."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from qmkit.store.write_queue import WriteQueue

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


def test_forty_processes_write_at_once_nothing_lost_nothing_locked(store_url: str, catalogs):
    url = store_url
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


def _save_again_and_again(db: str, started: Any, rounds: Any, stop: Any) -> None:
    queue = WriteQueue(Path(db))
    started.set()
    n, until = 0, time.monotonic() + 60
    while not stop.is_set() and time.monotonic() < until:
        with queue.hold():
            n += 1
            rounds.value = n
            sum(range(20_000))  # a short write
    queue.close()


def test_a_writer_saving_again_and_again_does_not_starve_the_next(tmp_path: Path):
    """First come, first served: a writer that asks again at once queues behind the one already waiting.

    (The old shared lock went to whoever asked at the moment it was free: mostly the busy writer again.)
    """
    db = str(tmp_path / "reihe.sqlite")
    ctx = mp.get_context("fork")
    started, stop, rounds = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    busy = ctx.Process(target=_save_again_and_again, args=(db, started, rounds, stop))
    busy.start()
    assert started.wait(30)
    time.sleep(0.2)
    queue = WriteQueue(Path(db))
    with queue.hold():  # the first time also opens the queue's files: not counted
        pass
    results = []
    for _ in range(5):
        before = rounds.value
        with queue.hold():
            results.append(rounds.value - before)
    stop.set()
    busy.join(30)
    queue.close()
    assert rounds.value > 10, "the busy writer should have been writing all along"
    assert max(results) <= 2, f"the busy writer went first {results} times while the other waited"


def _hold_and_die(db: str, holding: Any) -> None:
    queue = WriteQueue(Path(db))
    with queue.hold():
        holding.set()
        time.sleep(60)  # killed here, in the middle of its write


def test_a_writer_killed_while_writing_does_not_block_the_others(tmp_path: Path, catalogs):
    url = f"sqlite:///{tmp_path / 'abbruch.sqlite'}"
    store = Store(url)
    cycle_id = _cycle(store, catalogs)
    ctx = mp.get_context("fork")
    holding = ctx.Event()
    victim = ctx.Process(target=_hold_and_die, args=(str(tmp_path / "abbruch.sqlite"), holding))
    victim.start()
    assert holding.wait(30)
    saved: dict[str, Any] = {}

    def save() -> None:
        ev = SelfEvaluation.open(store, cycle_id, catalogs)
        saved["a"] = ev.set_text("QB1.1", "implementation", "nach dem Absturz", "A")

    writer = threading.Thread(target=save)
    writer.start()
    time.sleep(0.5)
    assert writer.is_alive(), "the write should wait for the writer before it"
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(30)
    writer.join(10)
    assert not writer.is_alive(), "the write still waits for a writer that is gone"
    assert store.assessments.get(cycle_id, "QB1.1").implementation == "nach dem Absturz"
    store.close()


# ---------------------------------------------------------------- races from the PostgreSQL measurements (both engines)

RACERS = 20


def _race(target: Any, args_of: Any) -> list[Any]:
    """Start RACERS processes at once (each opens its own store), collect what each reports."""
    ctx = mp.get_context("fork")
    out: Any = ctx.Queue()
    ready = ctx.Barrier(RACERS)
    procs = [ctx.Process(target=target, args=(*args_of(n), ready, out)) for n in range(RACERS)]
    for p in procs:
        p.start()
    reports = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(30)
    return reports


def _rate_new_rows(url: str, cycle_id: int, n: int, ready: Any, out: Any) -> None:
    from tests.conftest import shipped_catalogs

    store = Store(url)
    ev = SelfEvaluation.open(store, cycle_id, shipped_catalogs())
    values = [v.value for v in ev.catalog.scale.values]
    failed = []
    ready.wait()
    for i, req in enumerate(ev.catalog.requirements()):  # every process writes the same rows, all new at first
        try:
            ev.rate(req.id, values[(n + i) % len(values)], f"Kernel {n}")
        except Exception as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
    store.close()
    out.put(failed)


def test_twenty_processes_create_the_same_new_rows(store_url: str, catalogs):
    store = Store(store_url)
    cycle_id = _cycle(store, catalogs)
    reports = _race(_rate_new_rows, lambda n: (store_url, cycle_id, n))
    assert [f for f in reports if f] == []
    stored = store.assessments.of_cycle(cycle_id)
    count = len(catalogs.get("qm4").requirements())
    assert len(stored) == count
    assert sum(a.revision for a in stored.values()) == RACERS * count  # none lost, none doubled
    store.close()


def _plan_measure(url: str, cycle_id: int, req_id: str, n: int, ready: Any, out: Any) -> None:
    from qmkit.services.feedback_report import FeedbackReport
    from tests.conftest import shipped_catalogs

    store = Store(url)
    report = FeedbackReport(SelfEvaluation.open(store, cycle_id, shipped_catalogs()))
    ready.wait()
    try:
        out.put(("measure", report.plan_measure(req_id, f"Person {n}", f"Person {n}").id))
    except Exception as exc:
        out.put((type(exc).__name__, str(exc)))
    store.close()


def test_twenty_clicks_on_one_finding_make_one_measure(store_url: str, catalogs):
    from qmkit.services.feedback_report import FeedbackReport

    store = Store(store_url)
    cycle_id = _cycle(store, catalogs)
    report = FeedbackReport(SelfEvaluation.open(store, cycle_id, catalogs))
    report.set("QB1.1", "kind", "auflage", "QMB")
    reports = _race(_plan_measure, lambda n: (store_url, cycle_id, "QB1.1", n))
    made = [r for r in reports if r[0] == "measure"]
    refused = [r for r in reports if r[0] == "InputError" and "schon die Maßnahme" in r[1]]
    assert len(made) == 1 and len(refused) == RACERS - 1, reports
    assert [m.id for m in store.plans.measures(cycle_id)] == [made[0][1]]
    assert store.feedback.findings(cycle_id)["QB1.1"].measure_id == made[0][1]
    store.close()


def _set_dates(url: str, cycle_id: int, n: int, ready: Any, out: Any) -> None:
    from qmkit.services.certification import CertificationPlan
    from tests.conftest import shipped_catalogs

    store = Store(url)
    plan = CertificationPlan(SelfEvaluation.open(store, cycle_id, shipped_catalogs()))
    keys = [item.key for item in plan.timeline().items][:5]
    failed = []
    ready.wait()
    for i in range(10):
        try:
            plan.set_date(keys[(n + i) % len(keys)], "planned", f"{1 + (n + i) % 28}.03.2027", f"Kernel {n}")
        except Exception as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
    store.close()
    out.put(failed)


def test_twenty_processes_write_the_timeline(store_url: str, catalogs):
    store = Store(store_url)
    cycle_id = _cycle(store, catalogs)
    reports = _race(_set_dates, lambda n: (store_url, cycle_id, n))
    assert [f for f in reports if f] == []
    dates = store.timeline.dates(cycle_id)
    assert len(dates) == 5 and all(d.planned is not None for d in dates.values())
    store.close()


def _open_fresh(url: str, n: int, ready: Any, out: Any) -> None:
    ready.wait()
    try:
        store = Store(url, upgrade=True)  # as 20 starts of `qmkit serve` / `qmkit db upgrade` at once
        out.put(store.schema_version)
        store.close()
    except Exception as exc:
        out.put(f"{type(exc).__name__}: {exc}")


def test_twenty_processes_open_a_new_database_at_once(empty_store_url: str):
    from qmkit.store.migrations import LATEST

    reports = _race(_open_fresh, lambda n: (empty_store_url, n))
    assert reports == [LATEST] * RACERS
    store = Store(empty_store_url)
    assert store.institutions.all() == []
    store.close()
