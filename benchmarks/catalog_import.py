"""Catalog import (``python benchmarks/bench.py --catalog-import-only``): a requirement list of 2,000 requirements
in six levels (a level column, heading rows for levels 1–6, the requirements below) read as the Katalog page does:
open the file, guess layout and columns, build and validate the catalog with its tree for the preview, save it.
In process, median and max of 5."""

from __future__ import annotations

import io
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

BRANCHES = (2, 2, 2, 2, 5, 5)  # groups per level: 400 groups at the sixth level
PER_GROUP = 5  # requirements per sixth-level group: 2,000 in all


def requirement_list() -> tuple[bytes, int]:
    """The list as a certifier might publish it (Ebene, Nr., Titel, Anforderung, Nachweise)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Ebene", "Nr.", "Titel", "Anforderung", "Nachweise"])
    count = 0

    def level(depth: int, prefix: str) -> None:
        nonlocal count
        if depth > len(BRANCHES):
            for n in range(1, PER_GROUP + 1):
                count += 1
                text = f"Die Einrichtung regelt und dokumentiert Punkt {prefix}.{n} nachvollziehbar."
                ws.append([depth, f"{prefix}.{n}", "", text, "Konzept; Protokoll"])
            return
        for n in range(1, BRANCHES[depth - 1] + 1):
            node = f"{prefix}.{n}" if prefix else str(n)
            ws.append([depth, node, f"Gliederungspunkt {node}", ""])
            level(depth + 1, node)

    level(1, "")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), count


def catalog_import_benchmarks(work: Path) -> dict[str, Any]:
    from qmkit.config import BUILTIN_STANDARDS
    from qmkit.excel.catalog_import import save_catalog
    from qmkit.excel.catalog_source import draft, open_source, proposal
    from qmkit.excel.catalog_tree import tree_lines
    from qmkit.store.catalogs import discover

    catalogs = discover([BUILTIN_STANDARDS])
    content, count = requirement_list()
    runs, cpu, layout, found = [], [], "", 0
    for run in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        source = open_source(content, "liste.xlsx")
        guess = proposal(source, "qm4")
        mapping = replace(guess, catalog_id=f"bench-{run}", name="Bench", version="1", source="Bench")
        result = draft(source, mapping, catalogs)
        tree_lines(result.catalog)
        save_catalog(result, work / "kataloge")
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        layout, found = guess.layout, result.requirement_count
    return {
        "catalog_import_s": runs,
        "catalog_import_cpu_s": cpu,
        "catalog_import_requirements": count,
        "catalog_import_read": found,
        "catalog_import_layout": layout,
        "catalog_import_mib": len(content) / 1024 / 1024,
    }


def catalog_import_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "catalog_import_s" not in results:
        return [("Catalog import row", "not measured", "–")]
    runs = results["catalog_import_s"]
    return [
        (
            f"Catalog import of a requirement list with {results['catalog_import_requirements']} requirements in "
            f"{len(BRANCHES)} levels ({results['catalog_import_mib']:.1f} MiB, level column): open, guess layout "
            f"(`{results['catalog_import_layout']}`) and columns, build and validate with the preview tree, save "
            f"({results['catalog_import_read']} read; median, max of 5; in brackets the process's CPU time, which "
            "a busy shared machine does not stretch)",
            f"{statistics.median(runs) * 1000:.0f} ms, {max(runs) * 1000:.0f} ms "
            f"(CPU {statistics.median(results.get('catalog_import_cpu_s') or runs) * 1000:.0f} ms)",
            "≤ 2 s",
        )
    ]
