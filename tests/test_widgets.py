"""Widget tests: set values and click like a user, then check what the store holds and what the page says."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import ipywidgets as w
import pytest
from openpyxl import load_workbook

from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.app import build_page
from qmkit.ui.pages.selfeval import SelfEvaluationPage
from qmkit.ui.pages.start import StartPage
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.fields import FIELD_WIDGETS, FieldSpec, widget_for


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _html(widget) -> str:
    return "\n".join(x.value for x in _walk(widget) if isinstance(x, w.HTML))


@pytest.fixture
def page(store, catalogs, tmp_path: Path):
    inst = CycleService(store).create_institution("Familienbildungsstätte Nord", "K. Ahrens")
    cycle = CycleService(store).create_cycle(inst.id, "Selbstbewertung 2026", catalogs.get("qm4"))
    return SelfEvaluationPage(SelfEvaluation(store, cycle, catalogs.get("qm4")), exports=tmp_path / "exports")


def test_field_kinds_map_to_widgets():
    assert set(FIELD_WIDGETS) == {"rating", "text", "line", "flag", "date", "choice", "tags"}
    from datetime import date

    day = widget_for("date", date(2026, 1, 2))
    assert isinstance(day, DateField) and day.text == "02.01.2026"
    choice = widget_for("choice", "b", FieldSpec(options=[("A", "a"), ("B", "b")]))
    assert isinstance(choice, w.Dropdown) and choice.value == "b"
    rating = widget_for("rating", "b", FieldSpec(options=[("A", "a"), ("B", "b")]))
    assert isinstance(rating, w.ToggleButtons) and rating.value == "b"
    assert [label for label, _v in rating.options] == ["offen", "A", "B"]
    assert isinstance(widget_for("text", "x"), w.Textarea)
    flag = widget_for("flag", True, FieldSpec("nur vor Ort"))
    assert isinstance(flag, w.Checkbox) and flag.description == "nur vor Ort"
    tags = widget_for("tags", ("a",), FieldSpec(options=[("A", "a"), ("B", "b")]))
    assert isinstance(tags, w.TagsInput) and tags.value == ["a"] and tags.allowed_tags == ["a", "b"]
    # layouts and styles are shared models: one per distinct setting, not one per widget
    assert widget_for("line").layout is widget_for("line").layout
    with pytest.raises(ValueError):
        widget_for("colour")


def test_start_page_creates_institution_and_cycle(store, catalogs):
    start = StartPage(CycleService(store), catalogs)
    start.create_institution.click()
    assert "Bitte einen Namen" in start.institution_error.value
    assert store.institutions.all() == []
    start.new_name.value = "Jugendhilfe Süd <b>gGmbH</b>"
    start.new_qmb.value = "M. Weber"
    start.create_institution.click()
    [inst] = store.institutions.all()
    assert (inst.name, inst.qmb) == ("Jugendhilfe Süd <b>gGmbH</b>", "M. Weber")
    assert "&lt;b&gt;gGmbH&lt;/b&gt;" in start.feedback.widget.value  # shown as text, not markup
    start.catalog.value = "qmf"
    start.new_cycle.value = "Runde 2026"
    start.create_cycle.click()
    [cycle] = store.cycles.all(inst.id)
    assert (cycle.name, cycle.catalog_id) == ("Runde 2026", "qmf")
    assert f"Selbstbewertung.ipynb?zyklus={cycle.id}" in start.links.value
    start.create_cycle.click()
    assert "schon" in start.cycle_error.value and len(store.cycles.all(inst.id)) == 1


def test_start_page_demo_button(store, catalogs):
    start = StartPage(CycleService(store), catalogs)
    start.catalog.value = "lqw"
    start.demo_button.click()
    [cycle] = store.cycles.all()
    assert cycle.catalog_id == "lqw" and store.assessments.of_cycle(cycle.id)
    assert start.cycle.value == cycle.id and "von 33 Anforderungen bewertet" in start.cycle_info.value


def test_rating_text_and_evidence_are_stored_at_once(page, store):
    cycle_id = page.evaluation.cycle.id
    form = page.forms["QB1.1"]
    page.user_name.value = "K. Ahrens"
    form.inputs["rating"].value = "teilweise"
    assert store.assessments.get(cycle_id, "QB1.1").rating == "teilweise"
    assert "1 von 16 Anforderungen bewertet" in page.progress.value
    assert page.area_nav.options[0] == ("QB1 Bildung – Das Bildungsangebot (1/4)", "QB1")
    form.inputs["implementation"].value = "Umfrage bei Kursende"
    form.inputs["responsible"].value = "Programmleitung"
    stored = store.assessments.get(cycle_id, "QB1.1")
    assert (stored.implementation, stored.responsible, stored.changed_by) == (
        "Umfrage bei Kursende",
        "Programmleitung",
        "K. Ahrens",
    )
    assert "gespeichert" in form.head.value and "K. Ahrens" in form.head.value
    assert form.edit_button.description == "Nachweise bearbeiten (0)"
    form.edit_button.click()
    form.add_button.click()
    row = form.evidence_rows[0]
    row.inputs["title"].value = "Bedarfsanalyse"
    row.inputs["on_site_only"].value = True
    [ref] = store.assessments.get(cycle_id, "QB1.1").evidence
    assert (ref.title, ref.on_site_only) == ("Bedarfsanalyse", True)
    form.edit_button.click()  # close the editor: the summary lists the reference as text
    assert "Bedarfsanalyse" in form.evidence_summary.value and "nur vor Ort" in form.evidence_summary.value
    assert form.edit_button.description == "Nachweise bearbeiten (1)"
    form.edit_button.click()
    form.evidence_rows[0].remove.click()
    assert store.assessments.get(cycle_id, "QB1.1").evidence == ()
    form.inputs["rating"].value = ""  # back to "offen"
    assert store.assessments.get(cycle_id, "QB1.1").rating is None


def _offered(form) -> list[str]:
    return [b.description for b in form.buttons.children]


def test_suggested_evidence_button(page, store):
    form = page.forms["QB1.2"]
    form.edit_button.click()
    assert _offered(form) == ["Nachweis hinzufügen", "+ Programmheft", "+ Angebotsbeschreibung Website"]
    next(b for b in form.buttons.children if b.description == "+ Programmheft").click()
    assert [e.title for e in store.assessments.get(page.evaluation.cycle.id, "QB1.2").evidence] == ["Programmheft"]
    assert _offered(form) == ["Nachweis hinzufügen", "+ Angebotsbeschreibung Website"]  # not offered twice
    form.evidence_rows[0].remove.click()
    assert "+ Programmheft" in _offered(form)
    form.edit_button.click()
    assert form.buttons is None and form.editor is None  # editor widgets are closed again


def test_area_forms_are_reused_and_refreshed(page, store, catalogs, tmp_path):
    first_forms = page.forms
    page.area_nav.value = "QB2"
    other = SelfEvaluationPage(SelfEvaluation(store, page.evaluation.cycle, catalogs.get("qm4")), exports=tmp_path)
    other.forms["QB1.1"].inputs["rating"].value = "nz"
    other.forms["QB1.1"].edit_button.click()
    other.forms["QB1.1"].add_button.click()
    page.area_nav.value = "QB1"
    assert page.forms is first_forms  # no new widgets for an area already shown
    assert page.forms["QB1.1"].inputs["rating"].value == "nz"  # but the values are fresh
    assert page.forms["QB1.1"].edit_button.description == "Nachweise bearbeiten (1)"


def test_invalid_input_shows_message_and_store_keeps_last_valid(page, store):
    form = page.forms["QB1.1"]
    form.inputs["implementation"].value = "gültiger Text"
    form.inputs["implementation"].value = "x" * 10_001
    assert "höchstens 10000 Zeichen" in form.error_text("implementation")
    assert "höchstens 10000 Zeichen" in form.labels["implementation"].value  # shown next to the field
    assert store.assessments.get(page.evaluation.cycle.id, "QB1.1").implementation == "gültiger Text"
    form.inputs["implementation"].value = "wieder gültig"
    assert form.error_text("implementation") == ""
    assert store.assessments.get(page.evaluation.cycle.id, "QB1.1").implementation == "wieder gültig"


def test_forged_rating_from_the_browser_is_refused(page, store):
    form = page.forms["QB1.1"]
    form.inputs["rating"].set_state({"index": None})  # a client may send anything
    form._saver("rating", "rating")({"new": "<img src=x onerror=alert(1)>"})
    assert "keine Bewertung dieser Skala" in form.error_text("rating")
    assert "<img" not in form.head.value
    assert store.assessments.get(page.evaluation.cycle.id, "QB1.1").rating is None


def test_area_navigation(page):
    page.area_nav.value = "QB3"  # a click on the area in the navigation
    assert page.current_area == "QB3" and set(page.forms) == {"QB3.1", "QB3.2", "QB3.3", "QB3.4"}
    page.next_button.click()
    assert page.current_area == "QB4" and page.next_button.disabled and page.area_nav.value == "QB4"
    page.prev_button.click()
    assert page.current_area == "QB3" and not page.next_button.disabled


def test_two_tabs_on_the_same_requirement(page, store, catalogs, tmp_path):
    other = SelfEvaluationPage(SelfEvaluation(store, page.evaluation.cycle, catalogs.get("qm4")), exports=tmp_path)
    page.forms["QB1.1"].inputs["rating"].value = "erfuellt"
    other.forms["QB1.1"].inputs["implementation"].value = "aus dem zweiten Tab"
    # the second tab learns of the first tab's rating on its next action, and says so
    assert other.forms["QB1.1"].inputs["rating"].value == "erfuellt"
    assert "anderen Fenster" in other.feedback.widget.value
    stored = store.assessments.get(page.evaluation.cycle.id, "QB1.1")
    assert (stored.rating, stored.implementation) == ("erfuellt", "aus dem zweiten Tab")


def test_export_button_saves_file_and_offers_download(page, store):
    page.forms["QB1.1"].inputs["rating"].value = "nicht_erfuellt"
    page.forms["QB1.1"].inputs["implementation"].value = "=1+1"
    page.export_button.click()
    assert page.last_export is not None and page.last_export.exists()
    href = page.download.value.split('href="', 1)[1].split('"', 1)[0]
    assert href.startswith("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,")
    wb = load_workbook(io.BytesIO(base64.b64decode(href.split(",", 1)[1])))
    row = next(r for r in wb[wb.sheetnames[2]].iter_rows(min_row=2, values_only=True) if r[0] == "QB1.1")
    assert row[3] == "nicht erfüllt" and row[4] == "=1+1"
    assert "Excel-Checkliste ist erstellt" in page.feedback.widget.value


def test_export_failure_is_a_german_message(page, tmp_path):
    blocker = tmp_path / "blocked"
    blocker.write_text("no folder")
    page.exports = blocker / "sub"
    page.export_button.click()
    assert "kann nicht gespeichert werden" in page.feedback.widget.value


def test_unexpected_error_in_a_callback_is_caught(page, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(page.evaluation, "rate", boom)
    page.forms["QB1.1"].inputs["rating"].value = "erfuellt"
    message = page.feedback.widget.value
    assert "unerwarteter Fehler" in message and "internal detail" not in message and "Traceback" not in message


def test_pages_from_query_string(store, catalogs):
    assert "noch keinen Zyklus" in _html(build_page("selbstbewertung", {}, store))
    inst = CycleService(store).create_institution("X")
    cycle = CycleService(store).create_cycle(inst.id, "Z", catalogs.get("dkbm"))
    html = _html(build_page("selbstbewertung", {"zyklus": str(cycle.id)}, store))
    assert "Kommunale Qualitätsentwicklung" in html
    from qmkit.errors import InputError, NotFoundError

    with pytest.raises(InputError):
        build_page("selbstbewertung", {"zyklus": "1;DROP TABLE"}, store)
    with pytest.raises(NotFoundError):
        build_page("selbstbewertung", {"zyklus": "999"}, store)


def test_page_entry_never_raises(monkeypatch, tmp_path):
    import qmkit

    monkeypatch.setenv("QUERY_STRING", "zyklus=abc")
    html = _html(qmkit.page("selbstbewertung"))
    assert "keine gültige Zyklus-Nummer" in html
    monkeypatch.setenv("QMKIT_DB", "notadb://x")
    html = _html(qmkit.page("start"))
    assert "kann nicht geöffnet werden" in html


def test_start_page_lists_broken_catalogs_and_keeps_the_others(store, tmp_path, monkeypatch):
    from qmkit.store.catalogs import discover

    (tmp_path / "kaputt.yaml").write_text("id: kaputt\nname: [offen\n", encoding="utf-8")
    monkeypatch.setenv("QMKIT_STANDARDS", str(tmp_path))
    start = StartPage(CycleService(store), discover())
    html = _html(start.widget)
    assert "konnten nicht geladen werden" in html and "kaputt.yaml" in html and "YAML-Fehler" in html
    assert {value for _label, value in start.catalog.options} == {"qm4", "lqw", "kqb", "qesplus", "qmf", "dkbm"}


def test_a_download_link_offers_the_file_and_names_no_server_folder(tmp_path):
    from qmkit.ui.widgets.common import download_html

    path = tmp_path / "geheim" / "ordner" / "Checkliste.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04")
    html = download_html(path, "Checkliste herunterladen", "qm-download")
    assert 'download="Checkliste.xlsx"' in html and "data:" in html
    assert str(tmp_path) not in html and "gespeichert unter" not in html
