"""A store written by each release (schemas 1 to 7, ``tests/data/release_stores``) upgrades without loss.

The stores and their manifests come from ``tests/data/make_release_stores.py``: the manifest is what the release's
own code read back after writing. Today's :class:`Store` must read the same through the same API after the upgrade.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qmkit.store import Store
from qmkit.store.migrations import LATEST

DATA = Path(__file__).resolve().parent / "data"
STORES = DATA / "release_stores"
SCHEMAS = range(1, 8)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_release_stores", DATA / "make_release_stores.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _manifest(schema: int) -> dict[str, Any]:
    return json.loads((STORES / f"schema{schema}.json").read_text("utf-8"))


def _upgraded(schema: int, tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / f"schema{schema}.sqlite"
    shutil.copyfile(STORES / f"schema{schema}.sqlite", path)
    return Store(f"sqlite:///{path}"), path


def test_every_release_has_a_store_and_a_manifest():
    assert sorted(GEN.RELEASES) == list(SCHEMAS)
    for schema in SCHEMAS:
        manifest = _manifest(schema)
        assert manifest["schema"] == schema and manifest["commit"] == GEN.RELEASES[schema]
        with sqlite3.connect(STORES / f"schema{schema}.sqlite") as con:
            assert con.execute("SELECT version FROM schema_version").fetchall() == [(schema,)]
    assert sum(p.stat().st_size for p in STORES.iterdir()) < 400_000


def test_manifests_hold_what_the_test_must_protect():
    """The comparison below is only as good as the data: ratings, umlauts, a leading '=', evidence, plans."""
    for schema in SCHEMAS:
        inst = _manifest(schema)["data"]["institutions"][0]
        first = inst["cycles"][0]
        texts = [a["implementation"] for a in first["assessments"].values()]
        assert sum(1 for a in first["assessments"].values() if a["rating"]) >= 5
        assert any(t.startswith("=") for t in texts) and any("ü" in t for t in texts)
        assert all(a["responsible"] for a in first["assessments"].values())
        assert len(first["evidence"]) >= 4 and any(e["on_site_only"] for e in first["evidence"])
        if schema >= 2:
            assert first["goals"] and len(first["measures"]) >= 2
        if schema >= 3:
            assert first["measure_reviews"] and first["signoffs"] and len(inst["cycles"]) == 2
            assert inst["cycles"][1]["to_confirm"] and inst["cycles"][1]["measure_origins"]
        if schema >= 4:
            assert first["workshops"][0]["ratings"] and first["workshops"][0]["consensus"]
        if schema >= 5:
            assert len(inst["documents"]) >= 3
        if schema >= 6:
            assert first["timeline_dates"] and first["certification"]["valid_until"]
        if schema >= 7:
            assert first["findings"] and first["feedback_head"]["assessors"]


def _recorded(expected: Any, actual: Any) -> Any:
    """``actual`` cut to what the release recorded: fields of later releases (a goal's Leitziel, schema 21) are
    added to records, never taken away."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: _recorded(v, actual[k]) if k in actual else actual.get(k) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [_recorded(e, a) for e, a in zip(expected, actual, strict=True)]
    return actual


def _same(expected: dict[str, Any], actual: dict[str, Any], where: str) -> None:
    """Every part the release recorded reads the same today (parts of later releases may be added)."""
    for key, value in expected.items():
        assert key in actual, f"{where}: {key} fehlt"
        assert _recorded(value, actual[key]) == value, f"{where}: {key} weicht ab"


@pytest.mark.parametrize("schema", SCHEMAS)
def test_release_store_upgrades_without_loss(schema, tmp_path):
    store, path = _upgraded(schema, tmp_path)
    try:
        assert store.schema_version == LATEST
        now = GEN.snapshot(store)
    finally:
        store.close()
    before = _manifest(schema)["data"]
    assert len(now["institutions"]) == len(before["institutions"])
    for old, new in zip(before["institutions"], now["institutions"], strict=True):
        _same({k: v for k, v in old.items() if k != "cycles"}, new, f"schema {schema}")
        assert len(new["cycles"]) == len(old["cycles"])
        for i, (old_cycle, new_cycle) in enumerate(zip(old["cycles"], new["cycles"], strict=True)):
            _same(old_cycle, new_cycle, f"schema {schema}, Zyklus {i + 1}")
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(LATEST,)]
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(f"{LATEST:04d}",)]


@pytest.mark.parametrize("schema", range(1, 5))
def test_old_references_become_one_document_per_distinct_reference(schema, tmp_path):
    """Schema 5 turned references into register documents: equal references of an institution share one."""
    store, _path = _upgraded(schema, tmp_path)
    try:
        inst = store.institutions.all()[0]
        docs = store.evidence.documents(inst.id)
        usage = store.evidence.usage(inst.id)
    finally:
        store.close()
    refs = [e for c in _manifest(schema)["data"]["institutions"][0]["cycles"] for e in c["evidence"]]
    distinct = {(e["title"], e["version"], e["location"], e["on_site_only"]) for e in refs}
    assert len(docs) == len(distinct) < len(refs)
    assert sum(len(v) for v in usage.values()) == len(refs)
