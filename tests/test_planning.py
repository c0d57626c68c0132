"""Quality planning core: gaps, goals, measures, German checks, and the upgrade of a foundation database."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from qmkit.domain.planning import GoalKind, MeasureStatus, find_gaps, parse_date
from qmkit.errors import InputError
from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from qmkit.store.migrations import LATEST
from qmkit.store.migrations.legacy import _v1_initial
from tests.conftest import plan


@pytest.fixture
def cycle(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    return cycle


def test_gaps_are_ratings_below_met_or_missing_required_evidence(store, catalogs, cycle):
    catalog = catalogs.get("qm4")
    ev = SelfEvaluation(store, cycle, catalog)
    ev.rate("QB3.4", "nz")  # not applicable is never a gap
    gaps = {g.requirement_id: g for g in find_gaps(catalog, store.assessments.of_cycle(cycle.id))}
    stored = store.assessments.of_cycle(cycle.id)
    for req in catalog.requirements():
        a = stored.get(req.id)
        if a is None or a.rating is None or a.rating == "nz":
            assert req.id not in gaps
        elif a.rating != "erfuellt":
            assert req.id in gaps and "bewertet als" in gaps[req.id].reason
    ev.rate("QB2.3", "erfuellt")  # required evidence: the demo gave it one; take it away
    for ref in store.assessments.get(cycle.id, "QB2.3").evidence:
        ev.remove_evidence(ref)
    gap = next(g for g in find_gaps(catalog, store.assessments.of_cycle(cycle.id)) if g.requirement_id == "QB2.3")
    assert gap.missing_evidence and gap.reason == "erforderlicher Nachweis fehlt"


def test_measure_from_gap_and_plan_order(store, catalogs, cycle):
    gap = find_gaps(catalogs.get("qm4"), store.assessments.of_cycle(cycle.id))[0]
    m = plan(store, cycle.id).measure_from_gap(gap, responsible="B. Yilmaz", user="QMB")
    assert m.requirement_ids == (gap.requirement_id,) and m.status is MeasureStatus.GEPLANT
    assert gap.requirement_id in m.title and "Aus der Selbstbewertung" in m.description
    later = plan(store, cycle.id).add_measure(title="Später", responsible="X", due="31.12.2027")
    soon = plan(store, cycle.id).add_measure(title="Bald", responsible="X", due=date(2026, 1, 15))
    assert [x.id for x in store.plans.measures(cycle.id)] == [soon.id, later.id, m.id]  # by due date, undated last
    assert soon.is_overdue(date(2026, 2, 1)) and not soon.is_overdue(date(2026, 1, 1))
    done = plan(store, soon.cycle_id).update_measure(soon.id, "status", "wirksam")
    assert not done.is_overdue(date(2026, 2, 1))


def test_bad_measures_get_german_messages_and_store_keeps_last_valid(store, cycle):
    m = plan(store, cycle.id).add_measure(
        title="Leitbild überarbeiten", responsible="A. Keller", start="2026-03-01", due="2026-06-30"
    )
    cases = [
        ("due", "2026-02-01", "Termin liegt vor dem Beginn"),
        ("responsible", "   ", "verantwortliche Person"),
        ("title", "", "Titel"),
        ("status", "erledigt?", "Unbekannter Status"),
        ("start", "32.13.2026", "Datum wie 31.12.2026"),
        ("goal_id", 999, "Ziel gibt es in diesem Zyklus nicht"),
    ]
    for field, value, message in cases:
        with pytest.raises(InputError, match=message) as info:
            plan(store, m.cycle_id).update_measure(m.id, field, value, "QMB")
        assert info.value.field == field
    assert store.plans.measure(m.id) == m
    with pytest.raises(InputError, match="verantwortliche Person"):
        plan(store, cycle.id).add_measure(title="Ohne Verantwortliche")
    assert len(store.plans.measures(cycle.id)) == 1


def test_goals_numeric_indicator_and_delete_rules(store, cycle):
    goal = plan(store, cycle.id).add_goal(
        title="Mehr Rückmeldungen",
        indicator="Rücklaufquote in %",
        numeric=True,
        baseline="35",
        target="60,5",
        target_date="31.12.2026",
    )
    assert goal.target_date == date(2026, 12, 31) and goal.kind is GoalKind.ZIEL
    with pytest.raises(InputError, match="als Zahl angelegt") as info:
        plan(store, goal.cycle_id).update_goal(goal.id, "target", "deutlich mehr")
    assert info.value.field == "target" and store.plans.goal(goal.id).target == "60,5"
    strategic = plan(store, cycle.id).add_goal(title="Digitale Lernangebote ausbauen", kind="entwicklungsziel")
    assert strategic.kind is GoalKind.ENTWICKLUNGSZIEL
    m = plan(store, cycle.id).add_measure(title="Rücklauf-Aktion", responsible="QMB", goal_id=goal.id)
    with pytest.raises(InputError, match="noch 1 Maßnahmen"):
        store.plans.delete_goal(goal.id)
    plan(store, m.cycle_id).update_measure(m.id, "goal_id", strategic.id)
    store.plans.delete_goal(goal.id)
    assert [g.id for g in store.plans.goals(cycle.id)] == [strategic.id]


def test_goal_of_another_cycle_is_refused(store, catalogs, cycle):
    other, _ = create_demo(store, catalogs.get("lqw"))
    foreign = plan(store, other.id).add_goal(title="Fremd")
    with pytest.raises(InputError, match="Ziel gibt es in diesem Zyklus nicht"):
        plan(store, cycle.id).add_measure(title="M", responsible="R", goal_id=foreign.id)


def test_two_tabs_edit_the_same_measure_later_save_wins(store_url: str, catalogs):
    url = store_url
    tab1, tab2 = Store(url), Store(url)
    cycle, _ = create_demo(tab1, catalogs.get("qm4"))
    m = plan(tab1, cycle.id).add_measure(title="Einarbeitung", responsible="A")
    seen_by_tab2 = tab2.plans.measure(m.id)
    plan(tab1, cycle.id).update_measure(m.id, "responsible", "B", "tab1")
    plan(tab2, cycle.id).update_measure(m.id, "title", "Einarbeitung neu", "tab2")
    final = tab1.plans.measure(m.id)
    assert (final.title, final.responsible, final.revision) == ("Einarbeitung neu", "B", seen_by_tab2.revision + 2)


def test_german_and_iso_dates():
    assert parse_date("1.2.2027", "due") == date(2027, 2, 1)
    assert parse_date("2027-02-01", "due") == date(2027, 2, 1)
    assert parse_date("", "due") is None
    with pytest.raises(InputError):
        parse_date("morgen", "due")


def test_foundation_database_is_upgraded_and_keeps_every_rating(tmp_path: Path, catalogs):
    path = tmp_path / "release-0.1.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # what the foundation release (schema 1) wrote
        _v1_initial(conn)
        conn.execute(text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO schema_version VALUES (1)"))
        conn.execute(text("INSERT INTO institutions (name, qmb, created_at) VALUES ('VHS Alt', 'Q', '2026-01-01')"))
        conn.execute(
            text(
                "INSERT INTO cycles (institution_id, name, catalog_id, catalog_version, requirement_ids, "
                "created_at, updated_at) VALUES (1, 'Z 2025', 'qm4', '2026.1', '[]', 'x', 'x')"
            )
        )
        for i, req in enumerate(catalogs.get("qm4").requirements()):
            conn.execute(
                text(
                    "INSERT INTO assessments (cycle_id, requirement_id, rating, implementation, responsible, "
                    "changed_by, changed_at, revision) VALUES (1, :r, :v, :t, '', '', 'x', 1)"
                ),
                {"r": req.id, "v": ["erfuellt", "teilweise", "nicht_erfuellt"][i % 3], "t": f"Text {i}"},
            )
        for req, title, on_site in (("QB1.1", "Leitbild", 0), ("QB1.2", "Leitbild", 0), ("QB1.2", "Akte", 1)):
            conn.execute(
                text(
                    "INSERT INTO evidence_refs (cycle_id, requirement_id, position, title, version, location, "
                    "on_site_only, changed_at) VALUES (1, :r, 0, :t, '2024', 'Ordner QM', :o, 'x')"
                ),
                {"r": req, "t": title, "o": on_site},
            )
    engine.dispose()
    before = sqlite3.connect(path).execute("SELECT requirement_id, rating, implementation FROM assessments").fetchall()

    store = Store(f"sqlite:///{path}")
    assert store.schema_version == LATEST == 21
    assert store.timeline.certification(1).certified_on is None and store.timeline.dates(1) == {}  # version 6 tables
    # release 0.1's evidence references became register documents: one "Leitbild" serving two requirements
    register = {d.title: d for d in store.evidence.documents(1)}
    assert sorted(register) == ["Akte", "Leitbild"] and register["Akte"].on_site_only
    usage = store.evidence.usage(1)
    assert usage[register["Leitbild"].id] == [(1, "QB1.1"), (1, "QB1.2")]
    assert [e.title for e in store.assessments.get(1, "QB1.2").evidence] == ["Leitbild", "Akte"]
    after = {a.requirement_id: (a.rating, a.implementation) for a in store.assessments.of_cycle(1).values()}
    assert after == {r: (v, t) for r, v, t in before} and len(after) == 16
    gap = find_gaps(catalogs.get("qm4"), store.assessments.of_cycle(1))[0]
    assert plan(store, 1).measure_from_gap(gap, "Q").cycle_id == 1  # the new tables work on the old database


def test_measure_text_is_cleaned_like_every_other_form(store, cycle):
    m = plan(store, cycle.id).add_measure(
        title="Leitbild\x00 \x07überarbeiten\n ",
        responsible="A.\x1b Keller",
        description="Zeile 1\r\nZeile 2\x0b",
    )
    assert (m.title, m.responsible, m.description) == ("Leitbild überarbeiten", "A. Keller", "Zeile 1\nZeile 2")
    with pytest.raises(InputError, match="Titel: höchstens 200 Zeichen") as info:
        plan(store, m.cycle_id).update_measure(m.id, "title", "x" * 201)
    assert info.value.field == "title"
