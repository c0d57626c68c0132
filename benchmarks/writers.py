"""Many processes writing one SQLite store at once (``python benchmarks/bench.py --writers-only``).

40 processes (one per open page's kernel, say) first load (imports, catalogs), then all at once save 100
implementation texts each through the checked service, as fast as they can. Measured: every single write's
time from the call until it is stored, how many writes were refused ("belegt") and whether any was lost (the
revisions must add up).
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from pathlib import Path
from typing import Any

WRITERS, WRITES = 40, 100


def _write(url: str, cycle_id: int, worker: int, out: Any, ready: Any) -> None:
    import gc

    from qmkit.config import BUILTIN_STANDARDS
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    store = Store(url)
    ev = SelfEvaluation.open(store, cycle_id, discover([BUILTIN_STANDARDS]))
    reqs = [r.id for r in ev.catalog.requirements()]
    gc.freeze()  # as every page kernel does once it has loaded (qmkit.ui.app.page)
    ready.wait()  # all 40 have started (imports, catalogs): from here on they only write
    times, refused = [], 0
    for i in range(WRITES):
        started = time.perf_counter()
        try:
            ev.set_text(reqs[(worker + i) % len(reqs)], "implementation", f"w{worker}-{i}", f"Kernel {worker}")
        except Exception:
            refused += 1
        times.append(time.perf_counter() - started)
    store.close()
    out.put((times, refused))


def writer_benchmarks(work: Path) -> dict[str, Any]:
    return measure_writers(f"sqlite:///{work / 'writers.sqlite'}", WRITERS)


def measure_writers(url: str, writers: int) -> dict[str, Any]:
    """``writers`` processes × WRITES checked writes at once on the (empty, migrated) store at ``url``."""
    from qmkit.config import BUILTIN_STANDARDS
    from qmkit.services.cycles import CycleService
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    store = Store(url, upgrade=True)
    cycles = CycleService(store)
    inst = cycles.create_institution("Bench Schreiber")
    cycle_id = cycles.create_cycle(inst.id, "2027", discover([BUILTIN_STANDARDS]).get("qm4")).id
    ctx = mp.get_context("fork")
    queue: Any = ctx.Queue()
    ready = ctx.Barrier(writers + 1)
    procs = [ctx.Process(target=_write, args=(url, cycle_id, n, queue, ready)) for n in range(writers)]
    for p in procs:
        p.start()
    ready.wait(timeout=300)
    started = time.perf_counter()
    reports = [queue.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join(30)
    times = sorted(t for ts, _r in reports for t in ts)
    revisions = sum(a.revision for a in store.assessments.of_cycle(cycle_id).values())
    store.close()
    return {
        "writers_slowest_s": times[-1],
        "writers_p95_s": times[int(len(times) * 0.95)],
        "writers_median_s": statistics.median(times),
        "writers_refused": sum(r for _t, r in reports),
        "writers_lost": writers * WRITES - revisions - sum(r for _t, r in reports),
        "writers_wall_s": wall,
    }


def writer_row(results: dict[str, Any]) -> tuple[str, str, str]:
    return (
        f"{WRITERS} processes × {WRITES} checked writes at once on one SQLite store: slowest single write "
        "(p95 / median), refused, lost",
        f"{results['writers_slowest_s'] * 1000:.0f} ms ({results['writers_p95_s'] * 1000:.0f} / "
        f"{results['writers_median_s'] * 1000:.0f} ms), {results['writers_refused']} refused, "
        f"{results['writers_lost']} lost ({results['writers_wall_s']:.0f} s for all)",
        "< 1 s, 0, 0",
    )
