"""PDCA review core: Do/Check/Act, CAF scores, management review, sign-off, next cycle and comparison."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from qmkit.domain.catalog import parse_catalog
from qmkit.domain.planning import MeasureStatus
from qmkit.domain.review import ActDecision, band_label
from qmkit.errors import CatalogError, InputError
from qmkit.services.cycles import CycleService
from qmkit.services.demo import create_demo
from qmkit.services.review import load_history
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from tests.conftest import plan


@pytest.fixture
def cycle(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    return cycle


def test_do_check_act_is_stored_and_steers_the_status(store, cycle):
    m = plan(store, cycle.id).add_measure(title="Beschwerdeverfahren", responsible="A", requirement_ids=("QB3.1",))
    assert not store.reviews.of_measure(m.id).reviewed
    plan(store, m.cycle_id).set_review_field(m.id, "done_text", "Verfahren beschrieben und geschult", "QMB")
    plan(store, m.cycle_id).set_review_field(m.id, "done_on", "15.03.2027", "QMB")
    plan(store, m.cycle_id).set_review_field(m.id, "effective", "ja", "QMB")
    assert store.plans.measure(m.id).status is MeasureStatus.WIRKSAM
    review = plan(store, m.cycle_id).set_review_field(m.id, "act", "standard", "QMB")
    assert review.reviewed and review.done_on == date(2027, 3, 15) and review.act is ActDecision.STANDARD
    assert review.revision == 4 and review.changed_by == "QMB"
    with pytest.raises(InputError) as err:
        plan(store, m.cycle_id).set_review_field(m.id, "done_on", "gestern")
    assert err.value.field == "done_on" and "Datum" in str(err.value)
    with pytest.raises(InputError):
        plan(store, m.cycle_id).set_review_field(m.id, "effective", "vielleicht")
    assert store.reviews.of_measure(m.id) == review  # nothing of the bad values reached the store
    other = plan(store, cycle.id).add_measure(title="Flyer", responsible="B")
    plan(store, other.cycle_id).set_review_field(other.id, "act", "verwerfen")
    assert store.plans.measure(other.id).status is MeasureStatus.VERWORFEN
    assert set(store.reviews.of_cycle(cycle.id)) == {m.id, other.id}


def test_pdca_scores_classical_and_fine_tuned(store, cycle):
    assert [band_label(v) for v in (0, 11, 45, 70, 71, 100)] == [
        "kein Ansatz",
        "Plan",
        "Do",
        "Check",
        "Act",
        "voller PDCA-Zyklus",
    ]
    assert plan(store, cycle.id).set_pdca_score("QB1", "level", "45", "QMB").level == 45
    plan(store, cycle.id).set_pdca_score("QB2", "plan", 80)
    score = plan(store, cycle.id).set_pdca_score("QB2", "check", 40)
    assert (score.plan, score.do, score.check, score.fine_average) == (80, None, 40, 60.0)
    for bad in ("101", "-1", "viel"):
        with pytest.raises(InputError) as err:
            plan(store, cycle.id).set_pdca_score("QB1", "level", bad)
        assert "0" in str(err.value) and "100" in str(err.value)
    assert store.reviews.pdca_scores(cycle.id)["QB1"].level == 45
    assert plan(store, cycle.id).set_pdca_score("QB1", "level", "").level is None


def test_catalog_switches_pdca_scoring_with_a_german_error_for_a_wrong_variant(catalogs):
    assert catalogs.get("qm4").pdca_scoring.variant == "classical"
    assert catalogs.get("qesplus").pdca_scoring.variant == "fine_tuned"
    assert catalogs.get("lqw").pdca_scoring is None
    text_ = (catalogs.paths["qm4"]).read_text(encoding="utf-8")
    broken = text_.replace("pdca_scoring: {variant: classical", "pdca_scoring: {variant: fein")
    with pytest.raises(CatalogError) as err:
        parse_catalog(broken, "qm4.yaml")
    message = str(err.value)
    assert "qm4.yaml" in message and "pdca_scoring" in message and "classical" in message


def test_management_review_record(store, cycle):
    r = plan(store, cycle.id).add_management_review(
        "QMB", held_on="2027-01-20", participants="Leitung, QMB", next_review="2028-01-20"
    )
    plan(store, r.cycle_id).update_management_review(r.id, "decisions", "Beschwerdeverfahren bleibt Standard.", "QMB")
    with pytest.raises(InputError) as err:
        plan(store, r.cycle_id).update_management_review(r.id, "next_review", "2026-12-01")
    assert err.value.field == "next_review"
    kept = store.reviews.management_review(r.id)
    assert kept.next_review == date(2028, 1, 20) and kept.decisions.startswith("Beschwerde") and kept.revision == 2
    older = plan(store, cycle.id).add_management_review(held_on="2026-01-10")
    assert [x.id for x in store.reviews.management_reviews(cycle.id)] == [r.id, older.id]
    store.reviews.delete_management_review(older.id)
    assert [x.id for x in store.reviews.management_reviews(cycle.id)] == [r.id]


def test_sign_off_and_changes_after_it(store, cycle):
    with pytest.raises(InputError) as err:
        plan(store, cycle.id).sign_off("", "2027-01-05")
    assert err.value.field == "name"
    with pytest.raises(InputError):
        plan(store, cycle.id).sign_off("A. Keller", "")
    m = plan(store, cycle.id).add_measure(title="Leitbild", responsible="A")
    sign = plan(store, cycle.id).sign_off("A. Keller (Leitung)", "05.01.2027")
    assert store.plans.signoffs(cycle.id)[0] == sign and sign.signed_on == date(2027, 1, 5)
    assert store.plans.changed_since(cycle.id, sign.recorded_at) == 0
    plan(store, m.cycle_id).update_measure(m.id, "due", "2027-06-30")
    assert store.plans.changed_since(cycle.id, sign.recorded_at) == 1


def _dump(store: Store, cycle_id: int) -> dict[str, list]:
    with store.db.engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT * FROM {table} WHERE cycle_id = :c ORDER BY 1, 2"), {"c": cycle_id}).all()
            for table in ("assessments", "evidence_links", "goals", "measures")
        } | {
            "reviews": conn.execute(
                text("SELECT r.* FROM measure_reviews r JOIN measures m ON m.id = r.measure_id WHERE m.cycle_id = :c"),
                {"c": cycle_id},
            ).all()
        }


def test_next_cycle_copies_a_baseline_to_confirm_and_leaves_the_old_cycle_alone(store, catalogs, cycle):
    catalog = catalogs.get("qm4")
    goal = plan(store, cycle.id).add_goal(
        title="Mehr Rückmeldungen", indicator="Rücklaufquote", numeric=True, target="60"
    )
    open_m = plan(store, cycle.id).add_measure(
        title="Offen", responsible="A", goal_id=goal.id, requirement_ids=("QB1.1",)
    )
    done = plan(store, cycle.id).add_measure(title="Erledigt", responsible="B", status="umgesetzt")
    carry = plan(store, cycle.id).add_measure(title="Weiterführen", responsible="C", status="umgesetzt")
    plan(store, carry.cycle_id).set_review_field(carry.id, "act", "uebertragen")
    dropped = plan(store, cycle.id).add_measure(title="Verworfen", responsible="D")
    plan(store, dropped.cycle_id).set_review_field(dropped.id, "act", "verwerfen")
    before = _dump(store, cycle.id)
    old_answers = store.assessments.of_cycle(cycle.id)

    new = CycleService(store).start_next(cycle.id, "Selbstbewertung 2029", catalog, "QMB")

    assert _dump(store, cycle.id) == before  # nothing of the old cycle changed
    assert store.cycles.previous_id(new.id) == cycle.id
    copied = store.assessments.of_cycle(new.id)
    assert {k: (a.rating, a.implementation, len(a.evidence)) for k, a in copied.items()} == {
        k: (a.rating, a.implementation, len(a.evidence)) for k, a in old_answers.items()
    }
    assert store.assessments.to_confirm(new.id) == set(old_answers)
    titles = {m.title: m for m in store.plans.measures(new.id)}
    assert set(titles) == {"Offen", "Weiterführen"} and done.title not in titles
    assert titles["Weiterführen"].status is MeasureStatus.GEPLANT
    new_goal = store.plans.goals(new.id)[0]
    assert titles["Offen"].goal_id == new_goal.id != goal.id and new_goal.target == "60"
    assert store.plans.origins(new.id) == {titles["Offen"].id: open_m.id, titles["Weiterführen"].id: carry.id}

    some, other = sorted(old_answers)[:2]
    store.assessments.confirm(new.id, some, "QMB")
    SelfEvaluation(store, new, catalog).rate(other, "erfuellt", "QMB")
    assert store.assessments.to_confirm(new.id) == set(old_answers) - {some, other}
    assert store.assessments.get(new.id, some).rating == old_answers[some].rating

    with pytest.raises(InputError) as err:
        CycleService(store).start_next(cycle.id, "Selbstbewertung 2029", catalog)
    assert err.value.field == "name"
    with pytest.raises(InputError):
        CycleService(store).start_next(cycle.id, "Anderes Modell", catalogs.get("lqw"))


def test_comparison_shows_area_shares_changes_and_measure_effects(store, catalogs):
    catalog = catalogs.get("qm4")
    inst = CycleService(store).create_institution("VHS Vergleich")
    first = CycleService(store).create_cycle(inst.id, "2023", catalog)
    ev = SelfEvaluation(store, first, catalog)
    for req in catalog.areas[0].all_requirements():
        ev.rate(req.id, "nicht_erfuellt")
    target = catalog.areas[0].all_requirements()[0].id
    m = plan(store, first.id).add_measure(
        title="Konzept", responsible="A", requirement_ids=(target,), status="umgesetzt"
    )
    plan(store, first.id).add_measure(title="Noch offen", responsible="A", requirement_ids=(target,))
    second = CycleService(store).start_next(first.id, "2026", catalog)
    SelfEvaluation(store, second, catalog).rate(target, "erfuellt")
    third = CycleService(store).start_next(second.id, "2029", catalog)
    SelfEvaluation(store, third, catalog).rate(target, "teilweise")

    comparison = load_history(store, third, catalog)
    assert [c.name for c in comparison.cycles] == ["2023", "2026", "2029"]
    area = catalog.areas[0]
    n = len(area.all_requirements())
    assert comparison.met_share(0, area.id) == 0.0
    assert comparison.met_share(1, area.id) == pytest.approx(100.0 / n)
    assert comparison.met_share(2, area.id) == 0.0
    assert comparison.met_share(0, catalog.areas[1].id) is None
    step1, step2 = comparison.steps
    assert [(c.requirement_id, c.before_label, c.after_label, c.delta) for c in step1.changes] == [
        (target, "nicht erfüllt", "erfüllt", 2)
    ]
    assert step1.improved == 1 and step1.worse == 0 and step2.worse == 1
    assert [(e.measure.id, e.requirement_id, e.delta) for e in step1.effects] == [(m.id, target, 2)]


def test_qesplus_area_scores_stored_before_schema_20_move_to_the_new_areas(empty_store_url, catalogs):
    """The QESplus working catalog's areas were the institution's process types F/K/U until 2026.1; a stored
    PDCA maturity per area shows under the area that now holds those requirements. Other catalogs keep theirs."""
    from alembic import command
    from sqlalchemy import create_engine

    from qmkit.store.migrations import LATEST, alembic_config, migration_transaction, upgrade

    engine = create_engine(empty_store_url)
    with migration_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), "0019")
        conn.execute(text("INSERT INTO institutions (name, qmb, created_at) VALUES ('VHS', '', 'x')"))
        for name, catalog in (("Q", "qesplus"), ("V", "qm4")):
            conn.execute(
                text(
                    "INSERT INTO cycles (institution_id, name, catalog_id, catalog_version, requirement_ids, "
                    "created_at, updated_at) VALUES (1, :n, :c, '2026.1', '[]', 'x', 'x')"
                ),
                {"n": name, "c": catalog},
            )
        ids = dict(conn.execute(text("SELECT name, id FROM cycles")).all())
        rows = [(ids["Q"], "F", 40), (ids["Q"], "K", 60), (ids["Q"], "U", 20), (ids["V"], "F", 80)]
        for cycle_id, target, level in rows:
            conn.execute(
                text(
                    "INSERT INTO pdca_scores (cycle_id, target_id, level, changed_by, changed_at) "
                    "VALUES (:c, :t, :l, 'QMB', 'x')"
                ),
                {"c": cycle_id, "t": target, "l": level},
            )
    assert upgrade(engine) == LATEST
    with engine.connect() as conn:
        moved = set(conn.execute(text("SELECT cycle_id, target_id, level FROM pdca_scores")).all())
    engine.dispose()
    assert moved == {(ids["Q"], "A", 40), (ids["Q"], "B", 60), (ids["Q"], "C", 20), (ids["V"], "F", 80)}
    areas = {a.id for a in catalogs.get("qesplus").areas}
    assert {"A", "B", "C"} <= areas and not {"F", "K", "U"} & areas
