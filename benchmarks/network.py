"""Network report benchmark: 500 institutions × 4 rounds × 100 requirements, on PostgreSQL (and SQLite).

The clock for the page runs over what the Netzwerk page does in its kernel for a member: read the contributions
of every round, aggregate them (median, quartiles, distribution, own column), and render the page's HTML charts.
The Excel row reads and aggregates again, builds the network report workbook (four rounds' course) and writes it
to memory.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from pathlib import Path
from typing import Any

from qmkit.domain.catalog import CatalogSet, parse_catalog
from qmkit.domain.network import Contribution
from qmkit.domain.network_comparison import trend
from qmkit.excel.network_report import network_report_workbook
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.networks import NetworkService
from qmkit.store import Store
from qmkit.store.catalogs import discover
from qmkit.ui.widgets.network_chart import areas_html, requirements_html, trend_html

MEMBERS, ROUNDS, REQUIREMENTS = 500, 4, 100


def fill(store: Store, catalogs: CatalogSet, catalog_id: str) -> tuple[int, int]:
    """The network with every contribution (straight through the store: the setup is not what is measured)."""
    catalog = catalogs.get(catalog_id)
    service = NetworkService(store, catalogs)
    network = service.create({"name": "Bench-Verbund", "kind": "region", "catalog_id": catalog_id})
    rounds = [service.add_round(network.id, {"name": f"Runde {2020 + 3 * i}"}) for i in range(ROUNDS)]
    rng = random.Random(5)
    values = [v.value for v in catalog.scale.values]
    first = 0
    for i in range(MEMBERS):
        name = f"Träger {i:03d}"
        institution = store.institutions.create(name)
        member = store.networks.invite(network.id, {"name": name, "kind": "traeger"}, institution.id, f"k{i}", "b")
        store.networks.set_member(member.id, status="mitglied")
        first = first or member.id
        level = rng.random()
        for the_round in rounds:
            ratings = {
                r.id: values[min(len(values) - 1, int(abs(rng.gauss(1 - level, 0.5)) * 2))]
                for r in catalog.requirements()
                if rng.random() < 0.9
            }
            made = Contribution(member.id, the_round.id, catalog.id, catalog.version, ratings, 90.0)
            store.networks.contribute(made, "bench", replace=False)
            level = min(1.0, level + 0.05)
    return network.id, first


def measure_network(url: str, catalog_text: str, repeat: int = 5) -> dict[str, Any]:
    store = Store(url, upgrade=True)
    catalogs = CatalogSet({**{c.id: c for c in discover().sorted()}, "synth": parse_catalog(catalog_text)})
    started = time.perf_counter()
    network_id, member_id = fill(store, catalogs, "synth")
    setup = time.perf_counter() - started
    # a member's own view (it has the own column besides the distribution)
    compare = NetworkComparison(NetworkService(store, catalogs))
    page, excel = [], []
    network = store.networks.get(network_id)
    for _ in range(repeat):
        started = time.perf_counter()
        reports = compare.reports(network_id, member_id)
        html = areas_html(reports[-1]) + requirements_html(reports[-1])
        html += trend_html(trend(reports), [r.round_name for r in reports], True)
        page.append(time.perf_counter() - started)
        assert reports[-1].shown and len(html) > 10_000
        started = time.perf_counter()  # the Excel report from the store: read, aggregate, build, write
        buffer = io.BytesIO()
        network_report_workbook(network, compare.reports(network_id, member_id)).save(buffer)
        excel.append(time.perf_counter() - started)
    files_s, result_s, result_kb = _files(store, catalogs, network_id)
    store.close()
    return {
        "network_files_s": files_s,
        "network_result_s": result_s,
        "network_result_kb": result_kb,
        "network_setup_s": setup,
        "network_page_s": statistics.median(page),
        "network_page_max_s": max(page),
        "network_excel_s": statistics.median(excel),
        "network_excel_max_s": max(excel),
    }


FILES = 100


def _files(store: Store, catalogs: CatalogSet, network_id: int) -> tuple[float, float, float]:
    """The coordinator reads FILES contribution files of members on their own laptops in (one call, each file
    checked and stored on its own), then makes the result file of all four rounds."""
    from qmkit.domain.network_files import ContributionFile, contribution_bytes
    from qmkit.services.network_files import NetworkFiles

    network = store.networks.get(network_id)
    catalog = catalogs.get(network.catalog_id)
    the_round = store.networks.rounds(network_id)[-1]
    values = [v.value for v in catalog.scale.values]
    rng = random.Random(9)
    sent = []
    for i in range(FILES):
        name = f"Laptop {i:03d}"
        member = store.networks.invite(network_id, {"name": name, "kind": "traeger"}, None, f"laptop{i}", "b")
        ratings = {r.id: rng.choice(values) for r in catalog.requirements()}
        made = ContributionFile(
            network.uid, member.key, name, the_round.name, catalog.id, catalog.version, ratings, 100.0, False
        )
        sent.append((f"{name}.json", contribution_bytes(made)))
    files = NetworkFiles(NetworkComparison(NetworkService(store, catalogs)))
    started = time.perf_counter()
    outcomes = files.import_contributions(sent)
    read_in = time.perf_counter() - started
    assert all(o.done for o in outcomes), outcomes[:3]
    started = time.perf_counter()
    _name, data = files.result(network_id)
    return read_in, time.perf_counter() - started, len(data) / 1024


def network_benchmarks(work: Path) -> dict[str, Any]:
    """The network rows on SQLite and, with ``QMKIT_BENCH_POSTGRES``, on PostgreSQL."""
    from benchmarks.bench import synthetic_catalog
    from benchmarks.shared import fresh_schema, postgres_base

    text = synthetic_catalog(REQUIREMENTS)
    results = {f"sqlite_{k}": v for k, v in measure_network(f"sqlite:///{work / 'network.sqlite'}", text).items()}
    base = postgres_base()
    if base:
        with fresh_schema(base) as url:
            results.update({f"pg_{k}": v for k, v in measure_network(url, text).items()})
    return results


def network_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    size = f"{MEMBERS} institutions × {ROUNDS} rounds × {REQUIREMENTS} requirements"
    for engine, label in (("pg", "PostgreSQL"), ("sqlite", "SQLite")):
        if f"{engine}_network_page_s" not in results:
            continue
        rows += [
            (
                f"Network comparison, {size}, {label}: a member's page in the kernel (read every round, aggregate, "
                "render the charts), median / max of 5",
                f"{results[f'{engine}_network_page_s']:.2f} s / {results[f'{engine}_network_page_max_s']:.2f} s",
                "≤ 2 s",
            ),
            (
                f"Network report as Excel, {size}, {label} (read, aggregate, four rounds' course, write), "
                "median / max of 5",
                f"{results[f'{engine}_network_excel_s']:.2f} s / {results[f'{engine}_network_excel_max_s']:.2f} s",
                "≤ 5 s",
            ),
        ]
        rows.append(
            (
                f"Network files, {label}: the coordinator reads {FILES} contribution files (100 ratings each) in; "
                f"then the result file of {ROUNDS} rounds for {MEMBERS + FILES} members",
                f"{results[f'{engine}_network_files_s']:.2f} s; result {results[f'{engine}_network_result_s']:.2f} s "
                f"({results[f'{engine}_network_result_kb']:.0f} KB)",
                "≤ 10 s; ≤ 5 s",
            )
        )
    return rows or [("Network comparison rows", "not measured", "–")]
