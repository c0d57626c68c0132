"""Survey load benchmark: RESPONDENTS people at once answer the 12-question survey on the participant server.

The real participant server (``python -m qmkit.server.participants``, as ``qmkit serve`` starts it) on a SQLite
store; every respondent (an httpx client of its own, all from 127.0.0.1 like a school behind one address) opens
the link within the first ARRIVAL_S seconds, loads the form, then saves as a browser with JavaScript does – after
each of three answers (THINK_S seconds apart) the whole form – and finally sends it, so all of them are answering
at the same time. Measured: the page delivered (GET until the last byte), answer → stored (POST until the reply, which
comes after the commit), the server's RSS before and at the end, and whether every response is stored once.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

RESPONDENTS = 500
SAVES = 3  # saving as the answers are chosen, then the final send
ARRIVAL_S = 10.0  # everyone opens the link within the first 10 s (a QR code shown to a hall) ...
THINK_S = (3.0, 8.0)  # ... and takes 3–8 s per answer: all 500 are answering at the same time


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _prepare(data: Path) -> tuple[str, int]:
    os.environ["QMKIT_DATA"] = str(data)
    from qmkit.services.cycles import CycleService
    from qmkit.services.surveys import SurveyService
    from qmkit.store import Store
    from qmkit.store.catalogs import discover
    from qmkit.store.instruments import discover_instruments

    store = Store(f"sqlite:///{data / 'qmkit.sqlite'}", upgrade=True)
    cycles = CycleService(store)
    cycle = cycles.create_cycle(cycles.create_institution("Bench-Träger").id, "Runde", discover().get("qmf"))
    found, _problems = discover_instruments(discover().catalogs)
    service = SurveyService(store, found)
    survey = service.create(cycle.id, found["qmf-systempartner"], {"max_responses": RESPONDENTS * 2})
    token = service.links(survey.id)["jugendamt"]
    store.close()
    return token, survey.id


async def _respondent(client: Any, url: str, i: int, pages: list[float], saves: list[float]) -> int:
    import random

    rng = random.Random(i)
    await asyncio.sleep(rng.uniform(0, ARRIVAL_S))
    started = time.perf_counter()
    form = await client.get(url)
    pages.append(time.perf_counter() - started)
    token = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    answers: dict[str, Any] = {"_xsrf": token}
    status = 0
    for question, value in [("erreichbar", "4"), ("absprachen", "3"), ("kontakt", "monatlich")][:SAVES]:
        answers[question] = value
        await asyncio.sleep(rng.uniform(*THINK_S))
        started = time.perf_counter()
        reply = await client.post(url, data=answers, headers={"X-Requested-With": "fetch"})
        saves.append(time.perf_counter() - started)
        status = reply.status_code
    answers["anregung"] = f"Anregung {i}"
    reply = await client.post(url, data=answers)
    return reply.status_code if status == 200 else status


async def _crowd(url: str) -> tuple[list[float], list[float], list[int]]:
    import httpx

    pages: list[float] = []
    saves: list[float] = []
    limits = httpx.Limits(max_connections=RESPONDENTS)
    clients = [httpx.AsyncClient(timeout=120, limits=limits) for _ in range(RESPONDENTS)]
    try:
        codes = await asyncio.gather(*(_respondent(c, url, i, pages, saves) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return pages, saves, list(codes)


def survey_benchmarks(work: Path) -> dict[str, Any]:
    from benchmarks.bench import free_port, serving
    from qmkit.server.serve import join_command
    from qmkit.store import Store

    data = work / "survey"
    data.mkdir(exist_ok=True)
    token, survey_id = _prepare(data)
    port = free_port()
    env = dict(os.environ, QMKIT_DATA=str(data), QMKIT_EXPORTS=str(data / "exports"))
    with serving(join_command(port, "127.0.0.1"), env, port) as proc:
        url = f"http://127.0.0.1:{port}/befragung?t={token}"
        before = _rss_mib(proc.pid)
        started = time.perf_counter()
        pages, saves, codes = asyncio.run(_crowd(url))
        total = time.perf_counter() - started
        after = _rss_mib(proc.pid)
    store = Store(f"sqlite:///{data / 'qmkit.sqlite'}")
    stored = store.surveys.responses(survey_id)
    store.close()
    return {
        "survey_respondents": RESPONDENTS,
        "survey_page_p95_s": _p95(pages),
        "survey_page_median_s": statistics.median(pages),
        "survey_save_p95_s": _p95(saves),
        "survey_save_median_s": statistics.median(saves),
        "survey_total_s": total,
        "survey_rss_before_mib": before,
        "survey_rss_after_mib": after,
        "survey_stored": len(stored),
        "survey_complete": sum(1 for _g, a in stored if "anregung" in a and len(a) == 4),
        "survey_refused": sum(1 for c in codes if c != 200),
    }


def survey_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "survey_page_p95_s" not in results:
        return [("Survey rows", "not measured", "–")]
    n = results["survey_respondents"]
    growth = (results["survey_rss_after_mib"] - results["survey_rss_before_mib"]) / n
    return [
        (
            f"Survey on the participant server (no kernel per person): {n} respondents answering at the same time "
            f"from one address (arriving within {ARRIVAL_S:.0f} s, {THINK_S[0]:.0f}–{THINK_S[1]:.0f} s per answer), "
            "12-question form: page delivered p95 (median)",
            f"{results['survey_page_p95_s'] * 1000:.0f} ms ({results['survey_page_median_s'] * 1000:.0f} ms)",
            "≤ 1 s",
        ),
        (
            f"Survey, {n} at once: answer → stored p95 (median), three saves as the answers are chosen, then the send",
            f"{results['survey_save_p95_s'] * 1000:.0f} ms ({results['survey_save_median_s'] * 1000:.0f} ms); "
            f"all done in {results['survey_total_s']:.1f} s",
            "≤ 100 ms",
        ),
        (
            f"Survey, {n} at once: stored exactly once; refused; server memory growth per respondent",
            f"{results['survey_stored']} responses ({results['survey_complete']} complete); "
            f"{results['survey_refused']} refused; {growth * 1024:.0f} KiB "
            f"({results['survey_rss_before_mib']:.0f} → {results['survey_rss_after_mib']:.0f} MiB)",
            f"{n}, 0, ≤ 1 MiB",
        ),
    ]
