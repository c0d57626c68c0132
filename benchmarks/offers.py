"""Offers against needs (``python benchmarks/bench.py --offers-only``): 50 districts × 10 years × 20 indicators
(with the population) and 2,000 offers as German CSV, read and checked ("load"), then the supply per 1,000
("analysis"); then both stored in a SQLite store through the service, the analysis from the stored rows, the page
built, the workbook and the Word report written; five runs each."""

from __future__ import annotations

import io
import random
import statistics
import time
from pathlib import Path
from typing import Any

DISTRICTS, YEARS, INDICATORS, OFFERS = 50, 10, 20, 2000


def _csv() -> tuple[bytes, bytes]:
    rng = random.Random(17)
    needs = ["Sozialraum;Jahr;Zielgruppe;Indikator;Wert"]
    for d in range(DISTRICTS):
        for y in range(2016, 2016 + YEARS):
            needs.append(f"Sozialraum {d};{y};6–10;Bevölkerung;{rng.randint(100, 5000)}")
            needs += [
                f"Sozialraum {d};{y};6–10;Indikator {i};{rng.uniform(0, 99):.1f}".replace(".", ",")
                for i in range(INDICATORS - 1)
            ]
    offers = ["Angebot;Träger;Art;Sozialraum;Zielgruppe;Plätze;Teilnehmende;Jahr"]
    offers += [
        f"Angebot {n};Träger {n % 40};Kurs;Sozialraum {rng.randrange(DISTRICTS)};6–10;{rng.randint(5, 40)};"
        f"{rng.randint(0, 40)};{2016 + rng.randrange(YEARS)}"
        for n in range(OFFERS)
    ]
    return "\n".join(needs).encode("utf-8-sig"), "\n".join(offers).encode("utf-8")


def offers_benchmarks(work: Path) -> dict[str, Any]:
    from qmkit.documents.table_files import read_table
    from qmkit.domain.offers import coverage, needs_frame, offers_frame

    needs_csv, offers_csv = _csv()
    loads, analyses = [], []
    for _ in range(5):
        start = time.perf_counter()
        needs = needs_frame(read_table(needs_csv, "bedarfe.csv"))
        offers = offers_frame(read_table(offers_csv, "angebote.csv"))
        loads.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = coverage(needs, offers)
        analyses.append(time.perf_counter() - start)
    return {
        **_stored(work, read_table(needs_csv, "bedarfe.csv"), read_table(offers_csv, "angebote.csv")),
        "offers_load_s": loads,
        "offers_analysis_s": analyses,
        "offers_needs_rows": len(needs),
        "offers_rows": len(offers),
        "offers_table_rows": len(found.table),
    }


def _stored(work: Path, needs: list[list[str]], offers: list[list[str]]) -> dict[str, Any]:
    """Store both tables, analyse the stored rows, build the page, write the workbook and the Word report (five runs
    each)."""
    from qmkit.documents.offers_report import offers_report_document
    from qmkit.excel.offers_analysis import analysis_workbook
    from qmkit.services.cycles import CycleService
    from qmkit.services.offers_data import OffersNeeds
    from qmkit.store import Store
    from qmkit.store.catalogs import discover
    from qmkit.ui.pages.offers_needs import OffersNeedsPage

    path = Path(work) / "offers.sqlite"
    path.unlink(missing_ok=True)
    store = Store(f"sqlite:///{path}", upgrade=True)
    cycles = CycleService(store)
    cycle = cycles.create_cycle(cycles.create_institution("Benchmark-Kommune").id, "Z", discover().get("dkbm"))
    service = OffersNeeds.open(store, cycle.id, discover())
    times: dict[str, list[float]] = {"stored": [], "stored_analysis": [], "page": [], "excel": [], "word": []}
    for _ in range(5):
        start = time.perf_counter()
        service.load("needs", needs, "bedarfe.csv")
        service.load("offers", offers, "angebote.csv")
        times["stored"].append(time.perf_counter() - start)
        start = time.perf_counter()
        service.analysis()
        times["stored_analysis"].append(time.perf_counter() - start)
        start = time.perf_counter()
        OffersNeedsPage(service)
        times["page"].append(time.perf_counter() - start)
        start = time.perf_counter()
        analysis_workbook(service.report()).save(io.BytesIO())
        times["excel"].append(time.perf_counter() - start)
        start = time.perf_counter()
        offers_report_document(service.report()).save(io.BytesIO())
        times["word"].append(time.perf_counter() - start)
    store.close()
    return {f"offers_{k}_s": v for k, v in times.items()}


def offers_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "offers_load_s" not in results:
        return [("Offers against needs rows", "not measured", "–")]
    load, analysis = results["offers_load_s"], results["offers_analysis_s"]
    return [
        (
            f"DKBM tables as German CSV: {results['offers_needs_rows']} need values ({DISTRICTS} districts × {YEARS} "
            f"years × {INDICATORS} indicators) and {results['offers_rows']} offers read and checked (median, max of 5)",
            f"{statistics.median(load) * 1000:.0f} ms, {max(load) * 1000:.0f} ms",
            "≤ 2 s",
        ),
        (
            f"Offers against needs: supply per 1,000 for {results['offers_table_rows']} district × group × year rows",
            f"{statistics.median(analysis) * 1000:.0f} ms, {max(analysis) * 1000:.0f} ms",
            "≤ 1 s",
        ),
        *_stored_rows(results),
    ]


def _stored_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "offers_stored_s" not in results:
        return [("Offers against needs stored, page, Excel and Word", "not measured", "–")]
    rows = [
        ("offers_stored_s", "both tables checked and stored (SQLite, one transaction each)", "≤ 2 s"),
        ("offers_stored_analysis_s", "analysis from the stored rows (read, ranked, trend, heat table)", "≤ 1 s"),
        ("offers_page_s", "Angebote-und-Bedarfe page built with the analysis (50 districts)", "≤ 1 s"),
        ("offers_excel_s", "analysis workbook with charts written", "≤ 2 s"),
        ("offers_word_s", "analysis Word report written (50 districts ranked, bars, heat table, 10 years)", "≤ 2 s"),
    ]
    return [
        (
            f"DKBM: {text} (median, max of 5)",
            f"{statistics.median(results[key]) * 1000:.0f} ms, {max(results[key]) * 1000:.0f} ms",
            goal,
        )
        for key, text, goal in rows
    ]
