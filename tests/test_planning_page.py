"""Qualitätsplanung page driven like a user: gap → measure, edit with checks, plan filters, overdue marks."""

from __future__ import annotations

from datetime import date

import pytest

from qmkit.domain.planning import MeasureStatus, find_gaps
from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.pages.planning import PlanningPage
from qmkit.ui.widgets.common import nav_html
from tests.conftest import plan


@pytest.fixture
def planning(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    return PlanningPage(SelfEvaluation(store, cycle, catalogs.get("qm4")), today=date(2026, 6, 1))


def _gap_button(page, req_id):
    return page.gap_buttons[req_id]


def test_gap_to_measure_in_one_click(planning, store):
    gaps = find_gaps(planning.evaluation.catalog, planning.evaluation.assessments())
    assert gaps and all(g.requirement_id in planning.gap_buttons for g in gaps)
    gap = gaps[0]
    _gap_button(planning, gap.requirement_id).click()
    [measure] = store.plans.measures(planning.cycle.id)
    assert measure.requirement_ids == (gap.requirement_id,)
    assert measure.responsible == planning.evaluation.assessment(gap.requirement_id).responsible
    assert "Maßnahme geplant" in planning.gaps_box.children[0].children[0].value
    assert planning.selected.value == measure.id and planning.editor.inputs["title"].value == measure.title
    assert gap.requirement_id in planning.plan.value


def test_editing_checks_each_field_and_keeps_last_valid(planning, store):
    planning.new_button.click()
    [measure] = store.plans.measures(planning.cycle.id)
    editor = planning.editor
    editor.inputs["title"].value = "Fortbildungsplan 2027"
    editor.inputs["start"].value = date(2026, 9, 1)
    editor.inputs["due"].value = date(2026, 8, 1)  # before the start
    assert "Termin liegt vor dem Beginn" in editor.labels["due"].value
    editor.inputs["responsible"].value = ""
    assert "verantwortliche Person" in editor.labels["responsible"].value
    stored = store.plans.measure(measure.id)
    assert (stored.title, stored.start, stored.due, stored.responsible) == (
        "Fortbildungsplan 2027",
        date(2026, 9, 1),
        None,
        "B. Yilmaz",
    )
    editor.inputs["due"].value = date(2026, 12, 15)
    editor.inputs["status"].value = "in_umsetzung"
    stored = store.plans.measure(measure.id)
    assert stored.due == date(2026, 12, 15) and stored.status is MeasureStatus.IN_UMSETZUNG
    assert "qm-error" not in editor.labels["due"].value
    assert "15.12.2026" in planning.plan.value


def test_plan_marks_overdue_and_filters(planning, store):
    cid = planning.cycle.id
    plan(store, cid).add_measure(title="Alt", responsible="A. Keller", due=date(2026, 5, 1), requirement_ids=("QB1.1",))
    plan(store, cid).add_measure(title="Neu", responsible="D. Novak", due=date(2026, 7, 1), requirement_ids=("QB4.2",))
    plan(store, cid).add_measure(title="Erledigt", responsible="A. Keller", due=date(2026, 4, 1), status="wirksam")
    planning.refresh_plan()
    html = planning.plan.value
    assert "3 von 3 Maßnahmen, davon 1 überfällig" in html
    assert html.index("Erledigt") < html.index("Alt") < html.index("Neu")  # by due date
    planning.person_filter.value = "A. Keller"
    assert "Neu" not in planning.plan.value and "Alt" in planning.plan.value
    planning.person_filter.value = "__alle__"
    planning.area_filter.value = "QB4"
    assert "Neu" in planning.plan.value and "Alt" not in planning.plan.value
    planning.area_filter.value = "__alle__"
    planning.status_filter.value = "wirksam"
    assert "Erledigt" in planning.plan.value and "Neu" not in planning.plan.value


def test_missing_name_is_a_german_message(planning, store):
    planning.user_name.value = ""
    planning.new_button.click()
    assert "Namen eintragen" in planning.feedback.widget.value
    assert store.plans.measures(planning.cycle.id) == []


def test_script_in_titles_is_text(planning, store):
    planning.new_button.click()
    planning.editor.inputs["title"].value = "<script>alert(1)</script>"
    assert "<script>" not in planning.plan.value and "&lt;script&gt;" in planning.plan.value


def test_navigation_links_to_planning_with_the_cycle():
    assert 'href="Qualitaetsplanung.ipynb?zyklus=7"' in nav_html("selbstbewertung", 7)


def test_planning_page_from_the_address(store, catalogs):
    from qmkit.ui.app import build_page

    assert "noch keinen Zyklus" in build_page("planung", {}, store).children[-1].value
    cycle, _ = create_demo(store, catalogs.get("dkbm"))
    page = build_page("planung", {"zyklus": str(cycle.id)}, store)
    assert "Qualitätsplanung" in page.children[1].value and "Kommunale Qualitätsentwicklung" in page.children[1].value
