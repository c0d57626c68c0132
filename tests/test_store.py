"""The store: persistence across restarts, migrations, German errors, several writers at once, catalog drift."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text, update

from qmkit.config import BUILTIN_STANDARDS, database_url
from qmkit.domain.catalog import parse_catalog
from qmkit.domain.selfeval import catalog_drift
from qmkit.errors import InputError, NotFoundError, StoreError
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store, tables
from qmkit.store.failures import retrying
from qmkit.store.migrations import LATEST


def _cycle(store: Store, catalogs, catalog_id: str = "qm4"):
    inst = CycleService(store).create_institution("VHS Musterstadt", "R. Roth")
    return CycleService(store).create_cycle(inst.id, "Selbstbewertung 2026", catalogs.get(catalog_id))


def test_everything_is_there_after_a_restart(store_url: str, catalogs):
    url = store_url
    first = Store(url)
    cycle = _cycle(first, catalogs)
    ev = SelfEvaluation(first, cycle, catalogs.get("qm4"))
    ev.rate("QB1.1", "erfuellt", "R. Roth")
    ev.set_text("QB1.1", "implementation", "Jährliche Bedarfsumfrage", "R. Roth")
    ev.add_evidence(
        "QB1.1",
        "R. Roth",
        title="Bedarfsanalyse 2026",
        version="03/2026",
        location="S:/QM/1.pdf",
        on_site_only=True,
    )
    first.close()

    again = Store(url)
    stored = again.assessments.get(cycle.id, "QB1.1")
    assert stored.rating == "erfuellt"
    assert stored.implementation == "Jährliche Bedarfsumfrage"
    assert stored.changed_by == "R. Roth" and stored.changed_at
    assert [(e.title, e.version, e.location, e.on_site_only) for e in stored.evidence] == [
        ("Bedarfsanalyse 2026", "03/2026", "S:/QM/1.pdf", True)
    ]
    assert again.cycles.latest().id == cycle.id


def test_sqlite_runs_in_wal_with_schema_version(tmp_path: Path):
    store = Store(f"sqlite:///{tmp_path / 'qm.sqlite'}")
    with store.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("SELECT version FROM schema_version")).scalar() == LATEST


def test_database_url_from_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("QMKIT_DB", f"sqlite:///{tmp_path / 'anders.sqlite'}")
    assert database_url().endswith("anders.sqlite")
    Store().close()
    assert (tmp_path / "anders.sqlite").exists()
    monkeypatch.delenv("QMKIT_DB")
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "d"))
    assert database_url() == f"sqlite:///{tmp_path / 'd' / 'qmkit.sqlite'}"


def test_newer_database_is_refused_with_german_message(tmp_path: Path):
    path = tmp_path / "neu.sqlite"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="neueren qmkit-Version"):
        Store(f"sqlite:///{path}")


def test_unopenable_store_gives_german_message(tmp_path: Path):
    (tmp_path / "kein-ordner").write_text("x")
    with pytest.raises(StoreError, match="kann nicht geöffnet werden"):
        Store(f"sqlite:///{tmp_path / 'kein-ordner' / 'qm.sqlite'}")


def test_duplicate_names_are_input_errors(store, catalogs):
    cycle = _cycle(store, catalogs)
    with pytest.raises(InputError, match="gibt es schon"):
        CycleService(store).create_institution("VHS Musterstadt")
    with pytest.raises(InputError, match="gibt es für diese Einrichtung schon"):
        CycleService(store).create_cycle(cycle.institution_id, "Selbstbewertung 2026", catalogs.get("lqw"))
    with pytest.raises(InputError, match="Namen"):
        CycleService(store).create_institution("   ")
    with pytest.raises(NotFoundError):
        store.cycles.get(4711)


def test_invalid_input_never_reaches_the_store(store, catalogs):
    cycle = _cycle(store, catalogs)
    ev = SelfEvaluation(store, cycle, catalogs.get("qm4"))
    ev.rate("QB1.1", "teilweise")
    ev.set_text("QB1.1", "implementation", "gültig")
    with pytest.raises(InputError, match="keine Bewertung dieser Skala"):
        ev.rate("QB1.1", "sehr gut")
    with pytest.raises(InputError, match="höchstens 10000 Zeichen"):
        ev.set_text("QB1.1", "implementation", "x" * 10_001)
    with pytest.raises(InputError, match="gibt es im Katalog nicht"):
        ev.rate("QB9.9", "erfuellt")
    stored = store.assessments.get(cycle.id, "QB1.1")
    assert (stored.rating, stored.implementation, stored.revision) == ("teilweise", "gültig", 2)


def test_requirement_scale_subset_is_enforced(store, catalogs):
    lqw_text = (
        (BUILTIN_STANDARDS / "lqw.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "        evidence: [Leitbild]\n        evidence_required: true\n",
            "        evidence: [Leitbild]\n        evidence_required: true\n        scale: [beschrieben, offen]\n",
            1,
        )
    )
    catalog = parse_catalog(lqw_text, "lqw-test")
    inst = CycleService(store).create_institution("Testat e. V.")
    ev = SelfEvaluation(store, CycleService(store).create_cycle(inst.id, "Z", catalog), catalog)
    with pytest.raises(InputError):
        ev.rate("L1.1", "in_arbeit")
    assert ev.rate("L1.1", "offen").rating == "offen"


def test_control_characters_are_removed_and_markup_kept_as_text(store, catalogs):
    cycle = _cycle(store, catalogs)
    ev = SelfEvaluation(store, cycle, catalogs.get("qm4"))
    stored = ev.set_text("QB1.1", "responsible", "<script>alert(1)</script>\x00\x07 Frau\nM.")
    assert stored.responsible == "<script>alert(1)</script> Frau M."


def _writer(url: str, cycle_id: int, worker: int, count: int, out: mp.Queue) -> None:
    from qmkit.config import BUILTIN_STANDARDS
    from qmkit.store.catalogs import discover

    store = Store(url)
    ev = SelfEvaluation.open(store, cycle_id, discover([BUILTIN_STANDARDS]))
    reqs = [r.id for r in ev.catalog.requirements()]
    errors = 0
    for i in range(count):
        try:
            ev.set_text(reqs[i % len(reqs)], "implementation", f"w{worker}-{i}", f"kernel {worker}")
            ev.add_evidence(reqs[(i + worker) % len(reqs)], f"kernel {worker}", title=f"doc {worker}-{i}")
        except Exception:
            errors += 1
    out.put(errors)


def test_several_kernels_write_at_once(store_url: str, catalogs):
    url = store_url
    store = Store(url)
    cycle = _cycle(store, catalogs)
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    workers, count = 4, 60
    procs = [ctx.Process(target=_writer, args=(url, cycle.id, n, count, queue)) for n in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [queue.get(timeout=5) for _ in procs] == [0] * workers
    evidence = store.evidence.of_cycle(cycle.id)
    assert len(evidence) == workers * count
    assert len({e.title for e in evidence}) == workers * count  # none lost, none doubled
    total_revisions = sum(a.revision for a in store.assessments.of_cycle(cycle.id).values())
    assert total_revisions == 2 * workers * count


def test_catalog_change_reports_removed_requirements(store, catalogs):
    cycle = _cycle(store, catalogs)
    old = catalogs.get("qm4")
    SelfEvaluation(store, cycle, old).rate("QB1.3", "erfuellt")
    text_new = (BUILTIN_STANDARDS / "qm4.yaml").read_text(encoding="utf-8")
    start = text_new.index("      - id: QB1.3")
    end = text_new.index("      - id: QB1.4")
    text_new = text_new[:start] + text_new[end:]
    text_new = text_new[: text_new.index("\ntranslations:")] + "\n"  # the English texts name QB1.3 too
    new = parse_catalog(text_new.replace('version: "2026.1"', 'version: "2027.1"'), "neu")
    new = new.model_copy(update={"version": "2027.1"})
    drift = catalog_drift(cycle, new, set(store.assessments.of_cycle(cycle.id)))
    assert drift.removed == ("QB1.3",)
    assert drift.version_changed
    assert store.assessments.get(cycle.id, "QB1.3").rating == "erfuellt"  # kept, never dropped


def test_a_write_that_deadlocks_is_run_again(store_url: str):
    """Two saves that lock the same two rows in opposite order: PostgreSQL ends one with a deadlock, the store
    runs it again and both are stored (SQLite's writers queue, so there they simply go one after the other)."""
    store = Store(store_url)
    first = CycleService(store).create_institution("Erste").id
    second = CycleService(store).create_institution("Zweite").id
    meet = threading.Barrier(2, timeout=3)
    attempts: list[str] = []
    failures: list[str] = []

    @retrying
    def save(one: int, other: int, label: str) -> None:
        attempts.append(label)
        with store.db.write() as conn:
            conn.execute(update(tables.institutions).where(tables.institutions.c.id == one).values(qmb=label))
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait()  # both hold their first row now
            conn.execute(update(tables.institutions).where(tables.institutions.c.id == other).values(qmb=label))

    def run(one: int, other: int, label: str) -> None:
        try:
            save(one, other, label)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    workers = [
        threading.Thread(target=run, args=(first, second, "A")),
        threading.Thread(target=run, args=(second, first, "B")),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert failures == []
    qmbs = {i.name: i.qmb for i in store.institutions.all()}
    assert qmbs["Erste"] == qmbs["Zweite"] in ("A", "B")  # the save that went last wrote both rows
    if store.db.engine.dialect.name == "postgresql":
        assert len(attempts) == 3, attempts  # one of the two ran again
    store.close()
