"""Word documents (``python benchmarks/bench.py --documents-only``): the LQW Selbstreport with every focal point
of every requirement written (about a page of text per requirement) and the definition signed off, built five times
in process; the page count from LibreOffice when it is installed."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

PARAGRAPH = (
    "Wir fragen die Lernenden zu Beginn jedes Kurses nach ihren Zielen und am Ende danach, was sie erreicht haben. "
    "Die Kursleitungen werten die Antworten einmal im Semester gemeinsam aus und halten fest, was sich ändern soll. "
)


def documents_benchmarks(work: Path) -> dict[str, Any]:
    from qmkit.config import BUILTIN_STANDARDS
    from qmkit.documents.selfreport import selfreport_document
    from qmkit.documents.word import save_document
    from qmkit.domain.written import FOCAL_KEYS
    from qmkit.services.cycles import CycleService
    from qmkit.services.written import WrittenWork
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    catalogs = discover([BUILTIN_STANDARDS])
    store = Store(f"sqlite:///{work / 'selfreport.sqlite'}")
    cycles = CycleService(store)
    institution = cycles.create_institution("Bench VHS")
    cycle = cycles.create_cycle(institution.id, "Testierung", catalogs.get("lqw"))
    written = WrittenWork(store, catalogs)
    definition = written.save_definition(institution.id, PARAGRAPH * 4)
    written.sign_off(institution.id, definition.id, "Leitung")
    requirements = catalogs.get("lqw").requirements()
    for req in requirements:
        for key in FOCAL_KEYS:
            store.written.write_focal(cycle.id, req.id, key, PARAGRAPH * 2, "bench")
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        doc = selfreport_document(written.self_report(cycle.id))
        path = save_document(doc, work / "selbstreport.docx")
        runs.append(time.perf_counter() - start)
    results: dict[str, Any] = {"selfreport_s": runs, "selfreport_requirements": len(requirements)}
    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{work}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(path),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        info = subprocess.run(["pdfinfo", str(work / "selbstreport.pdf")], capture_output=True, text=True, check=False)
        pages = [line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")]
        results["selfreport_pages"] = int(pages[0]) if pages else None
    store.close()
    return results


def documents_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "selfreport_s" not in results:
        return [("Word document rows", "not measured", "–")]
    runs = results["selfreport_s"]
    pages = results.get("selfreport_pages")
    return [
        (
            f"Selbstreport (.docx) of the LQW catalog, {results['selfreport_requirements']} requirements with all five "
            f"focal points written, {pages or '?'} pages in LibreOffice: read from the store, built and saved "
            "(median, max of 5)",
            f"{statistics.median(runs) * 1000:.0f} ms, {max(runs) * 1000:.0f} ms",
            "≤ 2 s",
        )
    ]
