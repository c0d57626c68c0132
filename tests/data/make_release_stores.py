"""Make one small store per schema release (1 to 7) with that release's own code, and a manifest of what it holds.

Regenerate (from the repository root, with the project's venv; needs git and the history)::

    .venv/bin/python tests/data/make_release_stores.py

For each schema the last commit before the next schema's commit is unpacked (``git archive``) into a temporary
folder, and this file runs again there as ``--write`` with ``PYTHONPATH`` on that folder: only that release's
``qmkit`` is imported (checked), the current venv supplies the libraries. The writer fills a store through the
release's ``Store`` API (institution, a ``qm4`` cycle with ratings, texts with umlauts and a leading ``=``,
responsible persons, evidence, and what the release had of goals, measures, reviews, workshops, timeline dates
and findings), then reads everything back through the same release's API into ``schema<N>.json``:
``tests/test_release_stores.py`` compares that with what today's ``Store`` reads after the upgrade.
:func:`snapshot` reads through method names every release shares, so the test applies it to today's store too.
The files are compacted at the end (512-byte pages, no WAL) so that all seven stay small.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "release_stores"
# Schema version -> the last commit that wrote it (the commit before the next schema's first commit).
RELEASES = {
    1: "451ddbf",
    2: "103f305",
    3: "31380fe",
    4: "9446e1b",
    5: "392e3d1",
    6: "b8673e7",
    7: "4a70317",
}
EVIDENCE_KEYS = ("requirement_id", "position", "title", "version", "location", "on_site_only")


def plain(value: Any, skip: tuple[str, ...] = ()) -> Any:
    """JSON-ready copy of what a store returns: dataclasses as dicts, dates as ISO text, enums as values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in skip}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v, skip) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [plain(v, skip) for v in value]
    return value


def _cycle_snapshot(store: Any, cycle_id: int) -> dict[str, Any]:
    """Everything of one cycle the store's API offers (what a release lacks is left out)."""
    out: dict[str, Any] = {
        "cycle": plain(store.get_cycle(cycle_id)),
        "assessments": plain(store.assessments(cycle_id), skip=("evidence",)),
        "evidence": [{k: getattr(e, k) for k in EVIDENCE_KEYS} for e in store.evidence_for_cycle(cycle_id)],
    }
    reads = {
        "goals": "goals",
        "measures": "measures",
        "signoffs": "signoffs",
        "measure_reviews": "measure_reviews",
        "pdca_scores": "pdca_scores",
        "management_reviews": "management_reviews",
        "previous_cycle_id": "previous_cycle_id",
        "to_confirm": "to_confirm",
        "measure_origins": "measure_origins",
        "certification": "certification",
        "timeline_dates": "timeline_dates",
        "feedback_head": "feedback_head",
        "findings": "findings",
    }
    for key, method in reads.items():
        if hasattr(store, method):
            out[key] = plain(getattr(store, method)(cycle_id))
    if hasattr(store, "workshops"):
        out["workshops"] = [
            {
                "workshop": plain(w),
                "participants": plain(store.participants(w.id)),
                "ratings": plain(store.workshop_ratings(w.id)),
                "dots": plain(store.dots(w.id)),
                "consensus": plain(store.consensus(w.id)),
            }
            for w in store.workshops(cycle_id)
        ]
    return out


class _Reader:
    """Today's store (one repository per aggregate) read with the flat names the releases had."""

    def __init__(self, store: Any):
        s = store
        self.list_institutions = s.institutions.all
        self.documents, self.document_usage = s.evidence.documents, s.evidence.usage
        self.list_cycles, self.get_cycle, self.previous_cycle_id = s.cycles.all, s.cycles.get, s.cycles.previous_id
        self.assessments, self.to_confirm = s.assessments.of_cycle, s.assessments.to_confirm
        self.evidence_for_cycle = s.evidence.of_cycle
        self.goals, self.measures, self.signoffs = s.plans.goals, s.plans.measures, s.plans.signoffs
        self.measure_origins = s.plans.origins
        self.measure_reviews, self.pdca_scores = s.reviews.of_cycle, s.reviews.pdca_scores
        self.management_reviews = s.reviews.management_reviews
        self.certification, self.timeline_dates = s.timeline.certification, s.timeline.dates
        self.feedback_head, self.findings = s.feedback.head, s.feedback.findings
        self.workshops, self.participants = s.workshops.of_cycle, s.workshops.participants
        self.workshop_ratings, self.dots, self.consensus = s.workshops.ratings, s.workshops.dots, s.workshops.consensus


def snapshot(store: Any) -> dict[str, Any]:
    """What ``store`` holds, read through its public API, as JSON-ready data."""
    if hasattr(store, "cycles") and hasattr(store.cycles, "get"):
        store = _Reader(store)
    out: dict[str, Any] = {"institutions": []}
    for inst in store.list_institutions():
        entry: dict[str, Any] = {"institution": plain(inst)}
        if hasattr(store, "documents"):
            entry["documents"] = plain(store.documents(inst.id))
            entry["document_usage"] = plain(store.document_usage(inst.id))
        entry["cycles"] = [_cycle_snapshot(store, c.id) for c in sorted(store.list_cycles(inst.id), key=lambda c: c.id)]
        out["institutions"].append(entry)
    return out


# ---------------------------------------------------------------------------------------------- the writer


def _imports() -> tuple[Any, Any]:
    """The release's Store and catalog loader (flat modules up to 0.7, packages from the house split on)."""
    try:
        from qmkit.store.store import Store  # type: ignore[import-not-found]
    except ImportError:
        from qmkit.store import Store
    try:
        from qmkit.catalog import load_catalog  # type: ignore[import-not-found]
    except ImportError:
        from qmkit.domain.catalog import load_catalog
    return Store, load_catalog


TEXTS = [
    "Die Qualitätsbeauftragte prüft jährlich das Leitbild; Rückmeldungen fließen über Gremien ein.",
    "=SUMME(A1:A3) steht hier absichtlich als Text (Formel-Injection darf nicht ausgeführt werden).",
    "Mehrzeilig:\n– Übergabe an die Geschäftsführung\n– Schulung „Datenschutz“ für alle Beschäftigten",
    "",
    "Straße, Größe, Äußerung: ß und Umlaute ÄÖÜäöü bleiben erhalten.",
]
PEOPLE = ["Jörg Müller", "Ülkü Öztürk", "Anne-Kathrin Weiß"]


def _self_evaluation(store: Any, cycle: Any, catalog: Any, reqs: list[Any]) -> None:
    for i, req in enumerate(reqs[:5]):
        scale = [v.value for v in catalog.scale_for(req) if not getattr(v, "not_applicable", False)]
        store.set_assessment_field(cycle.id, req.id, "rating", scale[i % len(scale)], user=PEOPLE[i % 3])
        store.set_assessment_field(cycle.id, req.id, "implementation", TEXTS[i], user=PEOPLE[(i + 1) % 3])
        store.set_assessment_field(cycle.id, req.id, "responsible", PEOPLE[i % 3], user=PEOPLE[0])
    shared = {"title": "QM-Handbuch Kapitel 4 „Leitbild“", "version": "2.1", "location": "Ordner Büro, Fach 3"}
    if hasattr(store, "add_document"):  # schema 5 on: the register
        doc = store.add_document(cycle.institution_id, user=PEOPLE[0], kind="konzept", owner=PEOPLE[1], **shared)
        store.link_document(cycle.id, reqs[0].id, doc.id, user=PEOPLE[0])
        store.link_document(cycle.id, reqs[1].id, doc.id, user=PEOPLE[0])
        store.add_document(cycle.institution_id, user=PEOPLE[2], title="Ungenutzte Vorlage Ü", kind="vorlage")
    else:  # schemas 1-4: references per requirement; equal ones become one document in schema 5
        store.add_evidence(cycle.id, reqs[0].id, user=PEOPLE[0], **shared)
        store.add_evidence(cycle.id, reqs[1].id, user=PEOPLE[0], **shared)
    store.add_evidence(
        cycle.id, reqs[0].id, user=PEOPLE[1], title='=HYPERLINK("x")', version="", location="", on_site_only=True
    )
    store.add_evidence(cycle.id, reqs[2].id, title="Protokoll Teamsitzung März", version="", location="Server/QM")


def _plan(store: Any, cycle: Any, reqs: list[Any]) -> Any:
    goal = store.add_goal(
        cycle.id,
        user=PEOPLE[0],
        title="Zufriedenheit der Teilnehmenden erhöhen",
        why="Befragung 2025: nur 61 % „zufrieden“",
        indicator="Anteil zufriedener Teilnehmender in %",
        numeric=True,
        baseline="61",
        target="75",
        target_date=date(2027, 6, 30),
        requirement_ids=(reqs[0].id, reqs[3].id),
    )
    store.add_measure(
        cycle.id,
        user=PEOPLE[1],
        goal_id=goal.id,
        title="Feedbackbögen überarbeiten",
        description="=Formel? Nein: Text. Größere Schrift, Übersetzung ins Türkische.",
        responsible=PEOPLE[1],
        start=date(2026, 9, 1),
        due=date(2026, 12, 15),
        status="in_umsetzung",
        effort="3 Personentage",
        requirement_ids=(reqs[0].id,),
    )
    return store.add_measure(cycle.id, title="Schulung für Kursleitende", responsible=PEOPLE[2], status="geplant")


def _review(store: Any, cycle: Any, measure: Any, catalog: Any) -> None:
    store.sign_off_plan(cycle.id, "Dr. Jürgen Schäfer", date(2026, 8, 20), note="Freigabe ohne Änderungen")
    for field, value in (
        ("done_text", "Bögen gedruckt und verteilt; Rücklauf über Briefkästen."),
        ("done_on", date(2026, 11, 30)),
        ("actual", "72"),
        ("effective", "teilweise"),
        ("act", "anpassen"),
        ("act_note", "Zweite Runde mit Onlinebogen"),
    ):
        store.set_review_field(measure.id, field, value, user=PEOPLE[2])
    target = catalog.requirements()[0].id  # a requirement or an area; every release takes both
    store.set_pdca_score(cycle.id, target, "level", 60, user=PEOPLE[0])
    store.set_pdca_score(cycle.id, target, "plan", 40, user=PEOPLE[0])
    store.add_management_review(
        cycle.id,
        user=PEOPLE[0],
        held_on=date(2026, 12, 1),
        participants="Geschäftsführung, QMB, Betriebsrat",
        inputs="Ergebnisse der Selbstbewertung; Beschwerden (3)",
        decisions="Budget für Onlinebefragung freigegeben",
        next_review=date(2027, 12, 1),
    )


def _workshop(store: Any, cycle: Any, catalog: Any, reqs: list[Any]) -> None:
    ids = [reqs[3].id, reqs[4].id]
    ws = store.create_workshop(
        cycle.id, catalog, title="Workshop Leitbild & Öffentlichkeit", held_on=date(2026, 10, 7),
        requirement_ids=ids, named=True, threshold=2,
    )  # fmt: skip
    scale = [v.value for v in catalog.scale_for(reqs[3]) if not getattr(v, "not_applicable", False)]
    for i, (name, role) in enumerate((("Özlem", "Kursleitung"), ("Björn", "Verwaltung"))):
        person = store.join_workshop(ws, display_name=name, role_group=role)
        store.rate_in_workshop(person, catalog, ids[0], scale[i], comment=f"Begründung von {name}: „gut“")
    store.set_dots(ws, catalog, ids[1], scale[0], 4)
    store.record_consensus(ws, catalog, ids[0], scale[1], reason="Mehrheit", dissent="Björn: zu streng", user="QMB")


def _timeline_and_feedback(store: Any, cycle: Any, reqs: list[Any]) -> None:
    store.set_certification(cycle.id, "certified_on", date(2024, 3, 1), user=PEOPLE[0])
    store.set_certification(cycle.id, "valid_until", date(2028, 2, 29), user=PEOPLE[0])
    store.set_timeline_date(cycle.id, "schritt:antrag", "planned", date(2027, 9, 1), user=PEOPLE[1])
    store.set_timeline_date(cycle.id, "frist:bericht:2", "done", date(2025, 5, 4), user=PEOPLE[1])
    if hasattr(store, "save_finding"):
        store.set_feedback_head(cycle.id, "assessors", "Gutachterin Dr. Gül Yılmaz", user=PEOPLE[0])
        store.set_feedback_head(cycle.id, "received_on", date(2025, 12, 20), user=PEOPLE[0])
        store.save_finding(cycle.id, reqs[0].id, {"kind": "erfuellt", "text": "Vorbildlich umgesetzt."})
        store.save_finding(
            cycle.id, reqs[1].id, {"kind": "auflage", "text": "=Nachweis fehlt", "due": date(2027, 3, 31)}
        )
        store.measure_from_finding(cycle.id, reqs[1].id, "Nachweis nachreichen", PEOPLE[2])


def write(schema: int, release: Path, target: Path) -> None:
    """Fill ``target`` with the release's code and write its manifest (runs inside the unpacked release)."""
    import qmkit

    assert Path(qmkit.__file__).resolve().is_relative_to(release), qmkit.__file__
    store_cls, load_catalog = _imports()
    catalog = load_catalog(release / "standards" / "qm4.yaml")
    store = store_cls(f"sqlite:///{target}")
    assert store.schema_version == schema, (store.schema_version, schema)
    inst = store.create_institution("Familienzentrum Süd gGmbH", qmb="Jörg Müller")
    cycle = store.create_cycle(inst.id, "Selbstbewertung 2026 – Qualitätsmodell", catalog)
    reqs = catalog.requirements()
    _self_evaluation(store, cycle, catalog, reqs)
    if hasattr(store, "add_goal"):
        second = _plan(store, cycle, reqs)
        if hasattr(store, "set_review_field"):
            _review(store, cycle, second, catalog)
            store.start_next_cycle(cycle.id, "Selbstbewertung 2028", catalog, user=PEOPLE[0])
    if hasattr(store, "create_workshop"):
        _workshop(store, cycle, catalog, reqs)
    if hasattr(store, "set_timeline_date"):
        _timeline_and_feedback(store, cycle, reqs)
    manifest = {"schema": schema, "commit": RELEASES[schema], "data": snapshot(store)}
    store.close()
    target.with_suffix(".json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")


def _compact(path: Path) -> None:
    """One self-contained small file: no WAL beside it, 512-byte pages (content unchanged)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA page_size=512")
    con.execute("VACUUM")
    con.close()


def make(schema: int, commit: str) -> None:
    target = OUT / f"schema{schema}.sqlite"
    for old in (target, target.with_suffix(".json")):
        old.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"qmkit-release{schema}-") as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "qmkit", "standards"],
            cwd=HERE.parent.parent, check=True, capture_output=True,
        ).stdout  # fmt: skip
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": tmp, "QMKIT_DATA": str(Path(tmp) / "data"), "QMKIT_DB": ""}
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--write", str(schema), tmp, str(target)],
            cwd=tmp, env=env, check=True,
        )  # fmt: skip
    _compact(target)
    print(f"schema {schema} ({commit}): {target.name} {target.stat().st_size // 1024} KiB")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--write"]:
        write(int(argv[1]), Path(argv[2]).resolve(), Path(argv[3]))
        return
    OUT.mkdir(exist_ok=True)
    for schema, commit in RELEASES.items():
        make(schema, commit)


if __name__ == "__main__":
    main(sys.argv[1:])
