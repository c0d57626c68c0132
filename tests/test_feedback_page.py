"""The Rückmeldung page, driven like a user: read the returned checklist, choose, apply, type, plan measures."""

from __future__ import annotations

from datetime import date

from qmkit.domain.feedback import FindingKind
from qmkit.ui.app import build_page
from qmkit.ui.pages.feedback import FeedbackPage
from tests.test_evidence_page import _send
from tests.test_excel_import import db_rows, evaluation, exported  # noqa: F401  (fixture)
from tests.test_feedback import returned


def _html(widget) -> str:
    """All HTML a widget and its children show."""
    own = widget.value if isinstance(getattr(widget, "value", None), str) else ""
    return own + " ".join(_html(c) for c in getattr(widget, "children", ()))


def test_returned_checklist_comes_in_after_the_choice(evaluation, catalogs):  # noqa: F811
    ev = evaluation
    reqs = [r.id for r in ev.catalog.requirements()]
    page = FeedbackPage(ev, catalogs, today=date(2027, 6, 1))
    assert page.filter.value == "alle" and len(page.rows) == len(reqs)  # nothing recorded yet: every requirement
    page.rows[reqs[2]].inputs["text"].value = "Vorher getippt"  # typed in before the file came back
    content = returned(
        ev,
        {
            (reqs[0], "Ergebnis Gutachter*in"): "Auflage",
            (reqs[0], "Anmerkung Gutachter*in"): "Beschwerdeweg <b>schriftlich</b> festlegen.",
            (reqs[1], "Ergebnis Gutachter*in"): "erfüllt",
            (reqs[2], "Anmerkung Gutachter*in"): "Empfehlung: Fotos der Räume beilegen.",
            (reqs[3], "Ergebnis Gutachter*in"): "=1+1",
        },
    )
    before = db_rows(ev.store)
    _send(page, "Rückmeldebericht.xlsx", content)
    assert page.feedback.widget.value == ""
    assert set(page.checks) == {reqs[0], reqs[1], reqs[2]}
    assert page.checks[reqs[0]].value and page.checks[reqs[1]].value
    assert page.checks[reqs[2]].value is False  # it replaces what was typed: only when ticked
    shown = _html(page.preview_box)
    assert "&lt;b&gt;schriftlich&lt;/b&gt;" in shown and "<b>schriftlich</b>" not in shown  # text, never markup
    assert "Formel" in shown
    assert db_rows(ev.store) == before  # the preview stored nothing
    page.checks[reqs[1]].value = False
    page.apply_button.click()
    assert "2 Rückmeldungen aus „Rückmeldebericht.xlsx“ übernommen" not in page.import_result.value
    assert "1 Rückmeldung aus „Rückmeldebericht.xlsx“ übernommen" in page.import_result.value
    findings = page.report.findings()
    assert findings[reqs[0]].kind is FindingKind.AUFLAGE
    assert reqs[1] not in findings and findings[reqs[2]].text == "Vorher getippt"
    assert page.filter.value == "mit" and set(
        r.req.id for r in page.rows.values() if r.widget in page.rows_box.children
    ) == {
        reqs[0],
        reqs[2],
    }
    assert "1 Auflage oder nicht erfüllte Anforderung hat noch keine Maßnahme" in page.overview.value


def test_typing_a_finding_and_planning_its_measure(evaluation, catalogs):  # noqa: F811
    ev = evaluation
    req = ev.catalog.requirements()[4]
    page = FeedbackPage(ev, catalogs, today=date(2027, 6, 1))
    page.user_name.value = "Frau QMB"
    row = page.rows[req.id]
    assert row.inputs["due"].disabled and row.measure_button.layout.display == "none"
    row.inputs["kind"].value = "nicht_erfuellt"
    assert not row.inputs["due"].disabled and row.measure_button.layout.display is None
    row.inputs["due"].value = date(2027, 3, 31)
    row.inputs["text"].value = "Kein Verfahren für Rückmeldungen der Teilnehmenden."
    assert "gespeichert" in row.message.value
    assert "überschritten" in page.overview.value  # due 31.03.2027, today 01.06.2027, no measure
    row.inputs["text"].value = "x" * 4001
    assert "höchstens 4000 Zeichen" in row.message.value
    assert page.report.finding(req.id).text.startswith("Kein Verfahren")  # the refused text is not stored
    row.measure_button.click()
    assert "angelegt" in page.feedback.widget.value and "Frau QMB" in page.feedback.widget.value
    [measure] = ev.store.plans.measures(ev.cycle.id)
    assert measure.requirement_ids == (req.id,) and measure.due == date(2027, 3, 31)
    assert "Kein Verfahren" in measure.description
    assert row.measure_button.layout.display == "none" and "geplant" in row.state.value
    assert "zum Plan" in row.state.value and f"Qualitaetsplanung.ipynb?zyklus={ev.cycle.id}" in row.state.value
    page.filter.value = "offen"
    assert row.widget in page.rows_box.children  # planned but not done: still open
    # the head of the report
    page.received.value = date(2026, 5, 12)
    page.assessors.value = "Dr. A. Gut"
    head = page.report.head()
    assert (head.received_on, head.assessors, head.changed_by) == (date(2026, 5, 12), "Dr. A. Gut", "Frau QMB")
    page.received.value = date(2099, 1, 1)
    assert "Zukunft" in page.head_state.line.value and page.report.head().received_on == date(2026, 5, 12)
    # a fresh page (another tab, a reload) shows what is stored
    again = FeedbackPage(ev, catalogs, today=date(2027, 6, 1))
    assert again.filter.value == "mit" and again.rows[req.id].inputs["kind"].value == "nicht_erfuellt"
    assert again.received.value == date(2026, 5, 12)


def test_hostile_file_and_area_filter(evaluation, catalogs):  # noqa: F811
    page = FeedbackPage(evaluation, catalogs)
    before = db_rows(evaluation.store)
    _send(page, "bericht.xlsx", b"%PDF-1.7 not a workbook")
    assert "PDF-Datei, keine Excel-Datei" in page.feedback.widget.value and page.preview is None
    page.apply_button.click()
    assert "zuerst die zurückgegebene Checkliste" in page.feedback.widget.value
    assert db_rows(evaluation.store) == before
    area = evaluation.catalog.areas[1]
    page.area.value = area.id
    shown = {r.req.id for r in page.rows.values() if r.widget in page.rows_box.children}
    assert shown == {r.id for r in area.all_requirements()}
    page.filter.value = "offen"
    assert "Nichts offen" in page.rows_box.children[0].value


def test_page_by_name_and_in_navigation(evaluation, catalogs):  # noqa: F811
    box = build_page("rueckmeldung", {"zyklus": str(evaluation.cycle.id)}, evaluation.store, catalogs)
    html = "".join(getattr(c, "value", "") for c in box.children)
    assert "Rückmeldebericht" in html and 'href="Rueckmeldung.ipynb?zyklus=' in html


def test_the_answer_to_the_report_lists_each_finding_with_its_measure(evaluation, catalogs, tmp_path, monkeypatch):  # noqa: F811
    import base64
    import io
    import re

    from docx import Document as read_docx

    from tests.conftest import libreoffice_pdf_text

    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    ev = evaluation
    first, second, third = ev.catalog.requirements()[1:4]
    page = FeedbackPage(ev, catalogs, today=date(2027, 6, 1))
    page.user_name.value = "Frau QMB"
    page.rows[first.id].inputs["kind"].value = "auflage"
    page.rows[first.id].inputs["text"].value = '=HYPERLINK("http://x") Verfahren für Beschwerden fehlt'
    page.rows[first.id].measure_button.click()
    page.rows[second.id].inputs["kind"].value = "empfehlung"
    page.rows[third.id].inputs["kind"].value = "erfuellt"
    page.received.value = date(2026, 5, 2)
    next(b for b in _buttons(page.widget) if b.description == "Stellungnahme als Word").click()
    found = re.search(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', page.answer_link.value)
    assert found and found.group(1).startswith("Stellungnahme_")
    doc = read_docx(io.BytesIO(base64.b64decode(found.group(2))))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[1:] == [f"{first.id} {first.title}", f"{second.id} {second.title}"]  # erfüllt is not listed
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert '=HYPERLINK("http://x") Verfahren für Beschwerden fehlt' in cells and "Maßnahme geplant" in cells
    assert f"{first.id} {first.title}: Auflage erfüllen" in cells and "keine Maßnahme (freiwillig)" in cells
    assert "02.05.2026" in cells
    path = tmp_path / "antwort.docx"
    path.write_bytes(base64.b64decode(found.group(2)))
    text, _pages = libreoffice_pdf_text(path, tmp_path)
    assert "Stellungnahme zum Rückmeldebericht" in text and "Beschwerden fehlt" in text


def _buttons(widget):
    import ipywidgets as w

    found = [widget] if isinstance(widget, w.Button) else []
    for child in getattr(widget, "children", ()):
        found += _buttons(child)
    return found
