"""A refused value never looks saved: it stays in its field, framed, the form says "nicht gespeichert" and names it
until the value is corrected or the stored state is shown again – saving another field does not hide it. And the
meeting and dialogue editors save each field as it changes (no button a click could overtake)."""

from __future__ import annotations

from datetime import date, timedelta

import ipywidgets as w

from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.pages.feedback import FeedbackPage
from qmkit.ui.pages.network_meetings import MeetingsCard
from qmkit.ui.pages.planning import PlanningPage
from qmkit.ui.pages.selfeval import SelfEvaluationPage
from qmkit.ui.pages.timeline import TimelinePage
from qmkit.ui.widgets.common import Feedback, guard
from qmkit.ui.widgets.save_state import REFUSED_CLASS
from tests.test_network_meetings import small_network

TODAY = date.today()


def _marked(widget: w.Widget) -> bool:
    return REFUSED_CLASS in widget._dom_classes


def _reset_button(box: w.Widget) -> w.Button:
    [found] = [c for c in box.children if isinstance(c, w.Button) and c.description == "Gespeicherten Stand zeigen"]
    return found


def _visible(button: w.Button) -> bool:
    return "qm-hidden" not in button._dom_classes


def test_feedback_head_a_future_date_stays_refused_after_the_next_field_is_saved(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    page = FeedbackPage(SelfEvaluation(store, cycle, catalogs.get("qm4")), catalogs)
    line = page.head_state.line
    future = TODAY + timedelta(days=30)
    page.received.value = future
    assert "Zukunft" in line.value and "nicht gespeichert" in line.value and "erhalten am" in line.value
    assert _marked(page.received) and page.report.head().received_on is None
    reset = _reset_button(page.head_message)
    assert _visible(reset)
    page.assessors.value = "Dr. A. Gut"  # the next field is saved ...
    assert page.report.head().assessors == "Dr. A. Gut"
    # ... and the refused date is still named, still in its field, still framed
    assert "nicht gespeichert" in line.value and "erhalten am" in line.value and "✓ gespeichert" not in line.value
    assert "übrigen Eingaben sind gespeichert" in line.value
    assert page.received.value == future and _marked(page.received)
    reset.click()  # back to what is stored
    assert page.received.value is None and not _marked(page.received) and line.value == "" and not _visible(reset)
    page.received.value = TODAY - timedelta(days=2)  # corrected: saved, the mark gone
    assert page.report.head().received_on == TODAY - timedelta(days=2) and "✓ gespeichert" in line.value


def test_record_editor_keeps_a_refused_date_as_typed_while_other_fields_save(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    planning = PlanningPage(SelfEvaluation(store, cycle, catalogs.get("qm4")), today=date(2026, 6, 1))
    planning.new_button.click()
    [measure] = store.plans.measures(planning.cycle.id)
    editor = planning.editor
    editor.inputs["start"].value = date(2026, 9, 1)
    editor.inputs["due"].value = date(2026, 8, 1)  # before the start: refused
    assert _marked(editor.inputs["due"]) and "nicht gespeichert" in editor.status.value
    editor.inputs["title"].value = "Fortbildungsplan 2027"  # another field: saved
    assert store.plans.measure(measure.id).title == "Fortbildungsplan 2027"
    assert editor.inputs["due"].value == date(2026, 8, 1) and _marked(editor.inputs["due"])
    assert "Termin liegt vor dem Beginn" in editor.labels["due"].value
    assert "nicht gespeichert" in editor.status.value and "Termin" in editor.status.value
    assert store.plans.measure(measure.id).due is None
    editor.inputs["due"].value = date(2026, 12, 1)  # corrected
    assert store.plans.measure(measure.id).due == date(2026, 12, 1)
    assert not _marked(editor.inputs["due"]) and "✓ gespeichert" in editor.status.value


def test_selfeval_form_says_not_saved_until_the_text_is_corrected_or_reset(store, catalogs, tmp_path):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    page = SelfEvaluationPage(SelfEvaluation(store, cycle, catalogs.get("qm4")), exports=tmp_path)
    req_id = next(iter(page.forms))
    form = page.forms[req_id]
    stored = store.assessments.get(cycle.id, req_id).implementation
    form.inputs["implementation"].value = "x" * 10_001
    form.inputs["responsible"].value = "K. Ahrens"  # saved
    assert store.assessments.get(cycle.id, req_id).responsible == "K. Ahrens"
    assert "nicht gespeichert" in form.head.value and "✓ gespeichert" not in form.head.value
    assert form.inputs["implementation"].value == "x" * 10_001 and _marked(form.inputs["implementation"])
    assert "höchstens 10000 Zeichen" in form.state.line.value
    reset = _reset_button(form.state.widget)
    reset.click()
    assert form.inputs["implementation"].value == stored and not _marked(form.inputs["implementation"])
    assert "✓ gespeichert" in form.head.value and form.error_text("implementation") == ""


def test_timeline_a_refused_date_survives_the_redraw_after_another_rows_save(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    page = TimelinePage(SelfEvaluation(store, cycle, catalogs.get("qm4")))
    first, second = list(page.step_rows.values())[:2]
    future = TODAY + timedelta(days=400)
    first.pickers["done"].value = future  # done in the future: refused
    assert "nicht gespeichert" in first.message.value and _marked(first.pickers["done"])
    second.pickers["planned"].value = TODAY + timedelta(days=10)  # saved, the list is drawn again
    assert first.pickers["done"].value == future and "nicht gespeichert" in first.message.value


def test_meeting_fields_save_as_they_change_and_a_refused_status_is_taken_once_the_day_allows_it(store):
    network, _members, kora = small_network(store)
    made = kora.add_meeting(network.id, {"title": "Netzwerktreffen", "day": TODAY + timedelta(days=7)})
    feedback = Feedback()
    card = MeetingsCard(kora, network, guard(feedback), feedback)
    card.meeting_choice.value = made.id
    fields = {c.description: c for c in card.editor.children if hasattr(c, "description")}
    assert not [c for c in card.editor.children if isinstance(c, w.HBox) and "speichern" in str(c.children)]
    fields["Protokoll"].value = "Fragebogen gemeinsam gekürzt."
    assert kora.store.meetings.meeting(made.id).minutes == "Fragebogen gemeinsam gekürzt."  # no button
    fields["Status"].value = "stattgefunden"  # the day still lies ahead: refused, kept, marked
    assert _marked(fields["Status"]) and kora.store.meetings.meeting(made.id).status.value == "geplant"
    fields["Datum"].value = TODAY - timedelta(days=1)  # now it has taken place: the status is taken too
    stored = kora.store.meetings.meeting(made.id)
    assert stored.day == TODAY - timedelta(days=1) and stored.status.value == "stattgefunden"
    assert not _marked(fields["Status"])
    fields["Beginn"].value = "25:99"
    line = card.editor.children[-1].children[0]  # the editor's save line
    assert "nicht gespeichert" in line.value and "Uhrzeit wie 9:30" in line.value and _marked(fields["Beginn"])
    assert kora.store.meetings.meeting(made.id).starts is None and "Traceback" not in feedback.widget.value
