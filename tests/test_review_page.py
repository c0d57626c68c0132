"""PDCA-Review and planning additions driven like a user: set values, click, then look into the store."""

from __future__ import annotations

from datetime import date

import pytest
from traitlets import TraitError

from qmkit.domain.planning import MeasureStatus
from qmkit.domain.review import ActDecision, Effectiveness
from qmkit.errors import InputError
from qmkit.services.cycles import CycleService
from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.pages.planning import PlanningPage
from qmkit.ui.pages.review import ReviewPage
from qmkit.ui.pages.selfeval import SelfEvaluationPage
from tests.conftest import plan


@pytest.fixture
def demo(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    return SelfEvaluation(store, cycle, catalogs.get("qm4"))


def test_do_check_act_on_the_review_page(demo, store):
    m = plan(store, demo.cycle.id).add_measure(title="Beschwerdeweg", responsible="A", requirement_ids=("QB3.1",))
    page = ReviewPage(demo, today=date(2027, 2, 1))
    assert page.measure_chooser.value == m.id and "0 von 1 Maßnahmen geprüft" in page.measure_table.value
    editor = page.review_editor
    editor.inputs["done_text"].value = "Beschwerdeformular eingeführt"
    editor.inputs["done_on"].value = date(2027, 1, 15)
    editor.inputs["effective"].value = "ja"
    editor.inputs["act"].value = "standard"
    review = store.reviews.of_measure(m.id)
    assert (review.done_text, review.done_on, review.effective, review.act) == (
        "Beschwerdeformular eingeführt",
        date(2027, 1, 15),
        Effectiveness.JA,
        ActDecision.STANDARD,
    )
    assert store.plans.measure(m.id).status is MeasureStatus.WIRKSAM
    assert "1 von 1 Maßnahmen geprüft" in page.measure_table.value and "wirksam" in page.measure_table.value
    editor.inputs["actual"].value = "x" * 101
    assert "höchstens 100 Zeichen" in editor.error_text("actual")
    assert store.reviews.of_measure(m.id).actual == ""


def test_pdca_scores_follow_the_catalog_switch(store, catalogs):
    qm4, _ = create_demo(store, catalogs.get("qm4"))
    page = ReviewPage(SelfEvaluation(store, qm4, catalogs.get("qm4")))
    assert {name for _t, name in page.score_inputs} == {"level"}
    page.score_inputs[("QB2", "level")].value = "55"
    assert store.reviews.pdca_scores(qm4.id)["QB2"].level == 55
    qes, _ = create_demo(store, catalogs.get("qesplus"))
    fine = ReviewPage(SelfEvaluation(store, qes, catalogs.get("qesplus")))
    area = catalogs.get("qesplus").areas[0].id
    assert {name for t, name in fine.score_inputs if t == area} == {"plan", "do", "check", "act"}
    fine.score_inputs[(area, "check")].value = "30"
    assert store.reviews.pdca_scores(qes.id)[area].check == 30
    lqw, _ = create_demo(store, catalogs.get("lqw"))
    assert ReviewPage(SelfEvaluation(store, lqw, catalogs.get("lqw"))).score_box is None


def test_management_review_with_suggested_inputs(demo, store):
    plan(store, demo.cycle.id).add_measure(title="Leitbild", responsible="A", status="umgesetzt")
    page = ReviewPage(demo, today=date(2027, 2, 1))
    page.management.new.click()
    [review] = store.reviews.management_reviews(demo.cycle.id)
    assert review.held_on == date(2027, 2, 1)
    page.management.editor.inputs["participants"].value = "Leitung, QMB"
    page.management.inputs_button.click()
    stored = store.reviews.management_review(review.id)
    assert "Selbstbewertung:" in stored.inputs and "1 umgesetzt" in stored.inputs
    assert stored.participants == "Leitung, QMB"
    page.management.editor.inputs["next_review"].value = date(2027, 1, 1)  # before this review
    assert "nach dem Datum" in page.management.editor.error_text("next_review")
    assert store.reviews.management_review(review.id).next_review is None
    page.management.minutes_button.click()
    assert (
        'id="qm-minutes"' in page.management.download.value and "Managementbewertung_" in page.management.download.value
    )
    page.management.delete_button.click()
    assert store.reviews.management_reviews(demo.cycle.id) == []


def test_next_cycle_then_confirm_on_the_self_evaluation_page(demo, store, catalogs):
    page = ReviewPage(demo, today=date(2027, 2, 1))
    page.next_name.value = "Selbstbewertung 2030"
    page.next_button.click()
    new = store.cycles.find(demo.cycle.institution_id, "Selbstbewertung 2030")
    assert f"Selbstbewertung.ipynb?zyklus={new.id}" in page.next_result.value
    page.next_button.click()  # the same name again
    assert "gibt es für diese Einrichtung schon" in page.feedback.widget.value

    marks = store.assessments.to_confirm(new.id)
    sp = SelfEvaluationPage(SelfEvaluation(store, new, catalogs.get("qm4")))
    assert f"{len(marks)} übernommene Angaben" in sp.progress.value
    marked = [f for f in sp.forms.values() if f.to_confirm]
    assert marked and all("bitte prüfen" in f.head.value for f in marked)
    first, second = marked[0], marked[1]
    first.confirm_button.click()
    second.inputs["implementation"].value = "Neu beschrieben für 2030"
    assert store.assessments.to_confirm(new.id) == marks - {first.req.id, second.req.id}
    assert first.confirm_button is None and "bitte prüfen" not in second.head.value
    assert f"{len(marks) - 2} übernommene Angaben" in sp.progress.value


def test_comparison_on_the_review_page(demo, store, catalogs):
    catalog = catalogs.get("qm4")
    target = next(r for r, a in store.assessments.of_cycle(demo.cycle.id).items() if a.rating == "teilweise")
    plan(store, demo.cycle.id).add_measure(
        title="Lücke schließen", responsible="A", requirement_ids=(target,), status="wirksam"
    )
    page = ReviewPage(demo)
    assert "mindestens zwei Zyklen" in page.comparison_html.value
    new = CycleService(store).start_next(demo.cycle.id, "Folgezyklus", catalog)
    SelfEvaluation(store, new, catalog).rate(target, "erfuellt")
    later = ReviewPage(SelfEvaluation(store, new, catalog))
    html = later.comparison_html.value
    assert html.count('class="qm-bar"') == 2 * len(catalog.areas)
    assert "Lücke schließen" in html and "▲ besser" in html and "1 besser, 0 schlechter, 1 geändert" in html


def test_goals_and_sign_off_on_the_planning_page(demo, store):
    page = PlanningPage(demo, today=date(2027, 1, 10))
    page.new_goal_button.click()
    [goal] = store.plans.goals(demo.cycle.id)
    editor = page.goal_editor
    editor.inputs["title"].value = "Mehr Rückmeldungen"
    editor.inputs["numeric"].value = True
    editor.inputs["target"].value = "viele"
    assert "Zahl" in editor.error_text("target") and store.plans.goal(goal.id).target == ""
    editor.inputs["target"].value = "60"
    assert store.plans.goal(goal.id).target == "60" and "Mehr Rückmeldungen" in page.goal_table.value
    page.new_button.click()
    page.editor.inputs["goal_id"].value = str(goal.id)
    [measure] = store.plans.measures(demo.cycle.id)
    assert store.plans.measure(measure.id).goal_id == goal.id
    page.delete_goal_button.click()
    assert "noch 1 Maßnahmen" in page.goal_message.value and store.plans.goals(demo.cycle.id)

    assert "noch nicht freigegeben" in page.signoff_state.value
    page.signoff_name.value = ""
    page.signoff_button.click()
    assert "Namen der freigebenden Person" in page.feedback.widget.value
    page.signoff_name.value = "A. Keller (Leitung)"
    page.signoff_button.click()
    assert "Freigegeben von A. Keller (Leitung) am 10.01.2027" in page.signoff_state.value
    page.editor.inputs["title"].value = "Rücklauf erhöhen"
    assert "Seitdem 1 Änderungen" in page.signoff_state.value


def test_two_tabs_on_one_measure_nothing_lost_silently(demo, store):
    tab1 = PlanningPage(demo)
    tab1.new_button.click()
    tab2 = PlanningPage(demo)
    tab2.user_name.value = "C. Brandt"
    [measure] = store.plans.measures(demo.cycle.id)
    assert tab2.editor.record.id == measure.id
    tab2.editor.inputs["title"].value = "Titel aus Tab 2"
    tab1.editor.inputs["effort"].value = "2 Tage"  # tab 1's next action
    assert tab1.editor.inputs["title"].value == "Titel aus Tab 2"
    assert "C. Brandt" in tab1.editor.status.value
    tab1.editor.inputs["title"].value = "Titel aus Tab 1"
    tab2.editor.inputs["effort"].value = "3 Tage"
    assert "„Titel aus Tab 2“ ersetzt" not in tab2.editor.status.value
    assert tab2.editor.inputs["title"].value == "Titel aus Tab 1" and "neuesten Stand" in tab2.editor.status.value
    final = store.plans.measure(measure.id)
    assert (final.title, final.effort) == ("Titel aus Tab 1", "3 Tage")
    tab2.editor.inputs["title"].value = "Tab 2 überschreibt"
    tab1.editor.inputs["title"].value = "Tab 1 überschreibt"
    assert "„Tab 2 überschreibt“ ersetzt" in tab1.editor.status.value


def test_link_requirements_to_goals_and_measures(demo, store):
    page = PlanningPage(demo)
    page.new_button.click()
    [measure] = store.plans.measures(demo.cycle.id)
    page.editor.inputs["requirement_ids"].value = ["QB1.1", "QB2.3"]
    assert store.plans.measure(measure.id).requirement_ids == ("QB1.1", "QB2.3")
    assert "QB1.1, QB2.3" in page.plan.value
    page.area_filter.value = "QB2"
    assert "Neue Maßnahme" in page.plan.value
    page.new_goal_button.click()
    page.goal_editor.inputs["requirement_ids"].value = ["QB3.1"]
    assert store.plans.goals(demo.cycle.id)[0].requirement_ids == ("QB3.1",)
    with pytest.raises(TraitError):  # the widget accepts only the catalog's ids
        page.editor.inputs["requirement_ids"].value = ["<script>"]
    with pytest.raises(InputError) as err:  # and the store checks again
        plan(store, measure.cycle_id).update_measure(measure.id, "requirement_ids", ["<script>"])
    assert "Anforderungs-IDs" in str(err.value)
    assert store.plans.measure(measure.id).requirement_ids == ("QB1.1", "QB2.3")


def test_pdca_headings_stand_over_their_columns_and_caf_is_explained(store, catalogs):
    """Each phase heading is a cell of the same width as the scores below it (no "Act" wrapping under "Plan")."""
    import ipywidgets as w

    qes, _ = create_demo(store, catalogs.get("qesplus"))
    box = ReviewPage(SelfEvaluation(store, qes, catalogs.get("qesplus"))).score_box
    rows = [c for c in box.children if isinstance(c, w.HBox)]
    head, first = rows[0], rows[1]
    assert [c.value for c in head.children] == [
        "<b>Anforderung</b>",
        "<b>Plan</b>",
        "<b>Do</b>",
        "<b>Check</b>",
        "<b>Act</b>",
    ]
    assert [c.layout.width for c in head.children] == [c.layout.width for c in first.children]
    text = " ".join(c.value for c in box.children if isinstance(c, w.HTML))
    assert "CAF-Stil" not in text and "Common Assessment Framework (CAF)" in text
