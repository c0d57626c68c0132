"""Goals tied to strategic goals and to the data (issue 17, item 3): Leitziele of the municipality, an operational
goal following an indicator of the loaded data with its baseline and newest value filled from the data, the Check
step reading the newest value, the movement over cycles beside the measures done. SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from qmkit.domain.goal_data import IndicatorSpec, number
from qmkit.domain.goal_series import indicator_series
from qmkit.errors import AccessDenied, InputError, NotFoundError
from qmkit.services.cycles import CycleService
from qmkit.services.goal_data import GoalData
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.planning import Planning
from qmkit.services.review import Review
from tests.conftest import shipped_catalogs
from tests.test_networks import person
from tests.test_offers_data import csv_bytes, dkbm_data

GROUP = "6–10 Jahre"
SHARE = "Sprachförderbedarf (%)"
POP = {("Nord", 2023): 1000, ("Nord", 2024): 1100, ("Süd", 2023): 3000, ("Süd", 2024): 3000}
SHARES = {("Nord", 2023): 30.0, ("Nord", 2024): 25.0, ("Süd", 2023): 10.0, ("Süd", 2024): 12.0}
PLACES = {("Nord", 2023): 20, ("Nord", 2024): 44, ("Süd", 2023): 60, ("Süd", 2024): 60}


def needs_rows(extra: dict[tuple[str, int], float] | None = None) -> list[list[str]]:
    rows = [["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"]]
    for (district, year), people in POP.items():
        rows.append([district, str(year), GROUP, "Bevölkerung", str(people)])
    for (district, year), share in {**SHARES, **(extra or {})}.items():
        rows.append([district, str(year), "", SHARE, str(share).replace(".", ",")])
    for district, year in extra or {}:  # the population of a new year
        rows.append([district, str(year), GROUP, "Bevölkerung", str(POP[(district, 2024)])])
    return rows


def offers_rows() -> list[list[str]]:
    rows = [["Angebot", "Träger", "Art", "Sozialraum", "Zielgruppe", "Plätze", "Teilnehmende", "Jahr"]]
    for (district, year), places in PLACES.items():
        rows.append([f"Lernhilfe {district}", "Stadt", "Lernförderung", district, GROUP, str(places), "0", str(year)])
    rows.append(["Kurs woanders", "Verein", "Kurs", "Unbekannt", GROUP, "100", "0", "2024"])  # not counted
    return rows


def loaded(store) -> tuple[OffersNeeds, Planning, GoalData]:
    data = dkbm_data(store)
    data.load("needs", csv_bytes(needs_rows()), "bedarfe.csv")
    data.load("offers", csv_bytes(offers_rows()), "angebote.csv")
    planning = Planning(data.evaluation)
    return data, planning, GoalData(data.evaluation)


def test_a_goal_follows_an_indicator_and_takes_its_baseline_from_the_data(store):
    _data, planning, goals = loaded(store)
    leitziel = goals.add_strategic_goal("QMB", title="Bildungschancen von Anfang an")
    goal = planning.add_goal("QMB", title="Sprachförderung in Nord ausbauen", target="20")
    planning.update_goal(goal.id, "strategic_goal_id", str(leitziel.id), "QMB")
    planning.update_goal(goal.id, "data_indicator", SHARE, "QMB")
    linked = planning.update_goal(goal.id, "data_district", "Nord", "QMB")
    # the newest year is the baseline unless a year is chosen; the indicator's text is filled
    assert (linked.data_year, linked.baseline, linked.numeric) == (2024, "25,0", True)
    assert linked.indicator == f"{SHARE} – Nord, alle Zielgruppen"
    assert linked.strategic_goal_id == leitziel.id
    earlier = planning.update_goal(goal.id, "data_year", "2023", "QMB")
    assert earlier.baseline == "30,0"
    reading = goals.reading(earlier)
    assert reading is not None
    assert (reading.baseline_year, reading.baseline, reading.year, reading.current) == (2023, 30.0, 2024, 25.0)
    assert reading.progress == pytest.approx(0.5)  # 30 → 25 of the way to 20
    # the whole municipality: the districts' values weighted by their population
    whole = planning.update_goal(goal.id, "data_district", "", "QMB")
    assert number(whole.baseline) == pytest.approx(round((30 * 1000 + 10 * 3000) / 4000, 1))
    assert goals.serving(leitziel.id) == 1


def test_the_supply_per_1000_as_an_indicator_equals_a_hand_computation(store):
    data, _planning, _goals = loaded(store)
    needs, offers = data.frames()
    nord = indicator_series(needs, offers, IndicatorSpec("@plaetze", "Nord", GROUP))
    assert nord == {2023: pytest.approx(20 / 1000 * 1000), 2024: pytest.approx(44 / 1100 * 1000)}
    whole = indicator_series(needs, offers, IndicatorSpec("@plaetze"))  # the offer in "Unbekannt" is not counted
    assert whole[2024] == pytest.approx((44 + 60) / (1100 + 3000) * 1000)
    assert indicator_series(needs, offers, IndicatorSpec("@plaetze", "Nord", "Erwachsene")) == {}  # no population


def test_links_the_data_lacks_are_refused_in_german_and_nothing_changes(store):
    data, planning, goals = loaded(store)
    goal = planning.add_goal("QMB", title="Ziel")
    with pytest.raises(InputError, match="Kennzahl gibt es in den Daten"):
        planning.update_goal(goal.id, "data_indicator", "Erfundene Quote", "QMB")
    planning.update_goal(goal.id, "data_indicator", SHARE, "QMB")
    with pytest.raises(InputError, match="Sozialraum gibt es in den Daten"):
        planning.update_goal(goal.id, "data_district", "Unbekannt", "QMB")
    with pytest.raises(InputError, match="Für 2019 enthält die Kennzahl keinen Wert; möglich: 2023, 2024"):
        planning.update_goal(goal.id, "data_year", "2019", "QMB")
    assert planning.goal(goal.id).data_district == "" and planning.goal(goal.id).data_year == 2024
    other = dkbm_data(store, institution="Nachbarstadt")
    foreign = GoalData(other.evaluation).add_strategic_goal("QMB", title="Fremdes Leitziel")
    with pytest.raises(NotFoundError):
        planning.update_goal(goal.id, "strategic_goal_id", str(foreign.id), "QMB")
    with pytest.raises(InputError, match="Leitziel benennen"):
        goals.add_strategic_goal("QMB", title="  ")
    reader = person(store, "leser", "Stadt Musterstadt", role="lesen")
    as_reader = GoalData(OffersNeeds.open(store, data.cycle_id, shipped_catalogs(), reader).evaluation)
    with pytest.raises(AccessDenied):
        as_reader.add_strategic_goal("", title="Darf ich nicht")
    assert [s.title for s in as_reader.strategic_goals()] == []


def test_the_check_step_reads_the_newest_data_and_the_cycles_show_the_movement(store):
    data, planning, goals = loaded(store)
    leitziel = goals.add_strategic_goal("QMB", title="Bildungschancen von Anfang an")
    goal = planning.add_goal(  # set up in one go, as the Angebote page does: the baseline from the data
        "QMB", title="Weniger Sprachförderbedarf", target="20", strategic_goal_id=str(leitziel.id),
        data_indicator=SHARE, data_district="Nord",
    )  # fmt: skip
    assert (goal.baseline, goal.data_year, goal.numeric) == ("25,0", 2024, True)
    measure = planning.add_measure("QMB", title="Sprachkita Nord", responsible="Amt", goal_id=str(goal.id))
    planning.update_measure(measure.id, "status", "umgesetzt", "QMB")
    # the first cycle keeps the data it used; the next cycle carries the goal and reads newer data
    data.choose("needs", data.current("needs").id)
    nxt = Review(data.evaluation).start_next_cycle("Zyklus 2027", "QMB")
    newer = OffersNeeds(nxt.evaluation)
    newer.load("needs", csv_bytes(needs_rows({("Nord", 2025): 21.0, ("Süd", 2025): 11.0})), "bedarfe-2025.csv")
    carried = nxt.goals()[0]
    assert (carried.data_indicator, carried.data_district, carried.strategic_goal_id) == (SHARE, "Nord", leitziel.id)
    reading = GoalData(nxt.evaluation).reading(carried)
    assert (reading.baseline_year, reading.baseline, reading.year, reading.current) == (2024, 25.0, 2025, 21.0)
    assert goals.reading(planning.goal(goal.id)).current == 25.0  # the first cycle still reads the data it kept
    moves = GoalData(nxt.evaluation).movement()
    assert len(moves) == 1 and moves[0].strategic == "Bildungschancen von Anfang an"
    values = [(f.cycle.name, f.reading.year, f.reading.current, [m.title for m in f.done]) for f in moves[0].cycles]
    assert values == [("Zyklus 2026", 2024, 25.0, ["Sprachkita Nord"]), ("Zyklus 2027", 2025, 21.0, [])]


def test_deleting_a_leitziel_keeps_the_goals_and_drops_only_the_link(store):
    _data, planning, goals = loaded(store)
    leitziel = goals.add_strategic_goal("QMB", title="Teilhabe")
    renamed = goals.update_strategic_goal(leitziel.id, "title", "Teilhabe für alle", "QMB")
    assert renamed.title == "Teilhabe für alle" and renamed.revision == 2
    goal = planning.add_goal("QMB", title="Mehr Plätze")
    planning.update_goal(goal.id, "strategic_goal_id", str(leitziel.id), "QMB")
    assert goals.delete_strategic_goal(leitziel.id) == 1
    assert planning.goal(goal.id).strategic_goal_id is None and planning.goal(goal.id).title == "Mehr Plätze"
    assert goals.strategic_goals() == []


def test_without_data_a_goal_cannot_follow_an_indicator(store):
    cycles = CycleService(store)
    inst = cycles.create_institution("Ohne Daten")
    made = cycles.create_cycle(inst.id, "Zyklus", shipped_catalogs().get("dkbm"))
    planning = Planning.open(store, made.id, shipped_catalogs())
    goal = planning.add_goal("QMB", title="Ziel")
    with pytest.raises(InputError, match="Noch keine Bedarfsdaten"):
        planning.update_goal(goal.id, "data_indicator", SHARE, "QMB")
    assert GoalData(planning.evaluation).options().empty


def test_the_plan_workbook_shows_the_leitziel_and_the_newest_value_from_the_data(store):
    import io

    from openpyxl import load_workbook

    from qmkit.excel.plan import build_plan_workbook

    data, planning, goals = loaded(store)
    leitziel = goals.add_strategic_goal("QMB", title='=HYPERLINK("x")')
    planning.add_goal(
        "QMB", title="Weniger Sprachförderbedarf", target="20", strategic_goal_id=str(leitziel.id),
        data_indicator=SHARE, data_district="Nord", data_year="2023",
    )  # fmt: skip
    planning.add_goal("QMB", title="Von Hand", indicator="Zufriedenheit", baseline="3", target="4")
    out = io.BytesIO()
    build_plan_workbook(data.evaluation.checklist_data()).save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue()))["Ziele"]
    formula = [c for r in sheet.iter_rows() for c in r if c.value == '=HYPERLINK("x")']
    assert formula and all(c.data_type == "s" for c in formula)  # a Leitziel typed as a formula stays text
    rows = [[c.value for c in r] for r in sheet.iter_rows() if any(c.value for c in r)]
    head = next(r for r in rows if "Leitziel" in r)
    linked = next(r for r in rows if "Weniger Sprachförderbedarf" in r)
    by_head = dict(zip(head, linked, strict=False))
    assert by_head["Leitziel"] == '=HYPERLINK("x")'
    assert (by_head["Ausgangswert"], by_head["Istwert aus den Daten"], by_head["Zielwert"]) == (
        "30,0 (2023)",
        "25,0 (2024)",
        "20",
    )
    by_hand = dict(zip(head, next(r for r in rows if "Von Hand" in r), strict=False))
    assert (by_hand["Leitziel"], by_hand["Ausgangswert"], by_hand["Istwert aus den Daten"]) in (
        ("", "3", ""),
        (None, "3", None),
    )
