"""Workshop load benchmark: PARTICIPANTS people at once join a workshop on the participant server and rate.

The real participant server (``python -m qmkit.server.participants``, as ``qmkit serve`` starts it) on a SQLite
store; every participant (an httpx client of its own, all from 127.0.0.1 like a team behind one address) opens the
join link within the first ARRIVAL_S seconds (the gate's redirect, then the join page), joins (the form, then the
cards), rates the REQUIREMENTS requirements as a browser with JavaScript does – one request per answer, THINK_S
seconds apart, so all of them are rating at the same time – and finally sends the form with the button as a browser
without JavaScript does. Measured: the page delivered (link and join, until the last byte of the page), answer →
stored (the POST until its reply, which comes after the commit), the server's RSS before and at the end, and
whether every answer is stored exactly once.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

PARTICIPANTS = 200
REQUIREMENTS = 8
ARRIVAL_S = 10.0  # everyone scans the QR code within the first 10 s ...
THINK_S = (3.0, 8.0)  # ... and takes 3–8 s per answer (as in the survey): all 200 are rating at the same time
# Measured on main before the participant page left Voilà (0a901f6, 2026-12-01, the same machine): a kernel each.
KERNEL_ERA = {
    "date": "2026-12-01",
    "joins": 40,
    "all_joined_s": 30.1,
    "median_join_s": 30.1,
    "rss_per_kernel_mib": 81,
    "total_gib": 4.5,
    "chromium_all_joined_s": 185,
}


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _prepare(data: Path) -> tuple[str, int, list[tuple[str, list[str]]]]:
    os.environ["QMKIT_DATA"] = str(data)
    from qmkit.domain.workshop import CANNOT_JUDGE
    from qmkit.services.cycles import CycleService
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.services.workshop import Workshops
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    store = Store(f"sqlite:///{data / 'qmkit.sqlite'}", upgrade=True)
    catalogs = discover()
    catalog = catalogs.get("qm4")
    cycles = CycleService(store)
    cycle = cycles.create_cycle(cycles.create_institution("Bench-Träger").id, "2027", catalog)
    reqs = catalog.requirements()[:REQUIREMENTS]
    ws = Workshops(SelfEvaluation.open(store, cycle.id, catalogs)).create(
        title="Großer Teamtag", requirement_ids=[r.id for r in reqs]
    )
    store.close()
    scales = [(r.id, [v.value for v in catalog.scale_for(r)] + [CANNOT_JUDGE]) for r in reqs]
    return ws.token, ws.id, scales


def _xsrf(html: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


async def _participant(client: Any, link: str, i: int, scales: list[Any], times: dict[str, list[float]]) -> int:
    import random

    rng = random.Random(i)
    await asyncio.sleep(rng.uniform(0, ARRIVAL_S))
    started = time.perf_counter()
    page = await client.get(link)  # the gate's redirect (key in cookie and address), then the join form
    times["page"].append(time.perf_counter() - started)
    url = str(page.url)
    started = time.perf_counter()
    cards = await client.post(url, data={"_xsrf": _xsrf(page.text), "aktion": "teilnehmen", "rolle": ""})
    times["page"].append(time.perf_counter() - started)  # the join, then the cards
    token = _xsrf(cards.text)
    answers: dict[str, str] = {"_xsrf": token, "aktion": "bewerten"}
    status = cards.status_code
    for req, values in scales:
        await asyncio.sleep(rng.uniform(*THINK_S))
        answers[f"w:{req}"] = values[(i + len(answers)) % len(values)]
        started = time.perf_counter()
        reply = await client.post(url, data={**answers, "nur": req}, headers={"X-Requested-With": "fetch"})
        times["save"].append(time.perf_counter() - started)
        status = reply.status_code if status == 200 else status
    answers[f"k:{scales[0][0]}"] = f"Kommentar {i}"
    final = await client.post(url, data=answers)  # the button at the end, as without JavaScript
    return final.status_code if status == 200 else status


async def _crowd(link: str, scales: list[Any]) -> tuple[dict[str, list[float]], list[int]]:
    import httpx

    times: dict[str, list[float]] = {"page": [], "save": []}
    limits = httpx.Limits(max_connections=4)
    clients = [httpx.AsyncClient(timeout=120, limits=limits, follow_redirects=True) for _ in range(PARTICIPANTS)]
    try:
        codes = await asyncio.gather(*(_participant(c, link, i, scales, times) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return times, list(codes)


def workshop_crowd_benchmarks(work: Path) -> dict[str, Any]:
    from benchmarks.bench import free_port, serving
    from qmkit.server.serve import join_command
    from qmkit.store import Store

    data = work / "workshop-crowd"
    data.mkdir(exist_ok=True)
    token, workshop_id, scales = _prepare(data)
    port = free_port()
    env = dict(os.environ, QMKIT_DATA=str(data), QMKIT_EXPORTS=str(data / "exports"))
    with serving(join_command(port, "127.0.0.1"), env, port) as proc:
        link = f"http://127.0.0.1:{port}/?t={token}"
        before = _rss_mib(proc.pid)
        started = time.perf_counter()
        times, codes = asyncio.run(_crowd(link, scales))
        total = time.perf_counter() - started
        after = _rss_mib(proc.pid)
    store = Store(f"sqlite:///{data / 'qmkit.sqlite'}")
    people = store.workshops.participants(workshop_id)
    ratings = store.workshops.ratings(workshop_id)
    store.close()
    return {
        "ws_crowd_participants": PARTICIPANTS,
        "ws_crowd_page_p95_s": _p95(times["page"]),
        "ws_crowd_page_median_s": statistics.median(times["page"]),
        "ws_crowd_save_p95_s": _p95(times["save"]),
        "ws_crowd_save_median_s": statistics.median(times["save"]),
        "ws_crowd_total_s": total,
        "ws_crowd_rss_before_mib": before,
        "ws_crowd_rss_after_mib": after,
        "ws_crowd_joined": len(people),
        "ws_crowd_ratings": len(ratings),
        "ws_crowd_distinct": len({(r.participant_id, r.requirement_id) for r in ratings}),
        "ws_crowd_refused": sum(1 for c in codes if c != 200),
    }


def workshop_crowd_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    era = KERNEL_ERA
    before = [
        (
            f"Workshop before (a Voilà kernel per participant, measured {era['date']}): {era['joins']} join requests "
            "at once without a browser – until the last page is delivered (median per request); RSS per kernel; "
            "qmkit in all",
            f"{era['all_joined_s']:.1f} s ({era['median_join_s']:.1f} s); {era['rss_per_kernel_mib']} MiB per "
            f"participant; {era['total_gib']} GiB with {era['joins']} participants; {era['joins']} phones in Chromium: "
            f"last join page after {era['chromium_all_joined_s']} s",
            "–",
        )
    ]
    if "ws_crowd_page_p95_s" not in results:
        return [*before, ("Workshop rows without a kernel", "not measured", "–")]
    n = results["ws_crowd_participants"]
    growth = (results["ws_crowd_rss_after_mib"] - results["ws_crowd_rss_before_mib"]) / n
    return [
        *before,
        (
            f"Workshop on the participant server (no kernel per participant): {n} participants rating at the same "
            f"time from one address (arriving within {ARRIVAL_S:.0f} s, {THINK_S[0]:.0f}–{THINK_S[1]:.0f} s per "
            f"answer), {REQUIREMENTS} requirements: page delivered p95 (median), the link and the join",
            f"{results['ws_crowd_page_p95_s'] * 1000:.0f} ms ({results['ws_crowd_page_median_s'] * 1000:.0f} ms)",
            "≤ 1 s",
        ),
        (
            f"Workshop, {n} at once: answer → stored p95 (median), one request per answer as chosen, then the button",
            f"{results['ws_crowd_save_p95_s'] * 1000:.0f} ms ({results['ws_crowd_save_median_s'] * 1000:.0f} ms); "
            f"all done in {results['ws_crowd_total_s']:.1f} s",
            "≤ 100 ms",
        ),
        (
            f"Workshop, {n} at once: joined; answers stored (each once); refused; server memory growth per participant",
            f"{results['ws_crowd_joined']}; {results['ws_crowd_ratings']} ({results['ws_crowd_distinct']} distinct); "
            f"{results['ws_crowd_refused']} refused; {growth * 1024:.0f} KiB "
            f"({results['ws_crowd_rss_before_mib']:.0f} → {results['ws_crowd_rss_after_mib']:.0f} MiB)",
            f"{n}, {n * REQUIREMENTS}, 0, ≤ 1 MiB",
        ),
    ]
