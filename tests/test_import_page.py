"""The Excel einlesen page, driven like a user: upload the filled file, read the preview, choose, apply."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from qmkit.ui.app import build_page
from qmkit.ui.pages.checklist_import import ImportPage
from tests.test_evidence_page import _send
from tests.test_excel_import import db_rows, edited, evaluation, exported  # noqa: F401  (fixture)


def test_preview_changes_nothing_until_chosen_changes_are_applied(evaluation, catalogs, tmp_path: Path):  # noqa: F811
    ev = evaluation
    reqs = [r.id for r in ev.catalog.requirements()]
    page = ImportPage(ev, catalogs, exports=tmp_path)
    path = page.export()
    assert load_workbook(path).sheetnames[0] and 'id="qm-download"' in page.download.value
    content = path.read_bytes()
    ev.set_text(reqs[0], "implementation", "In der App geändert", "QMB")  # after the export
    filled = edited(
        content,
        {
            (reqs[0], "Umsetzung in der Einrichtung"): "In der Datei geändert",  # conflict
            (reqs[1], "Umsetzung in der Einrichtung"): "Neu aus Excel",
            (reqs[2], "Verantwortlich"): '=HYPERLINK("http://x")',
            (reqs[3], "Verantwortlich"): "Frau Öz",
            (reqs[4], "ID"): "QB9.9",
        },
    )
    before = db_rows(ev.store)
    _send(page, "Checkliste ausgefüllt.xlsx", filled)
    assert page.feedback.widget.value == ""
    assert "1 Konflikt," in page.summary.value and "Checkliste ausgefüllt.xlsx" in page.summary.value
    keys = set(page.checks)
    assert (reqs[0], "implementation") in keys and (reqs[1], "implementation") in keys
    assert page.checks[(reqs[0], "implementation")].value is False  # a conflict is never pre-chosen
    assert page.checks[(reqs[1], "implementation")].value is True
    assert "QB9.9" in page.problems.value  # an unknown id is listed, not applied
    assert "Formel" in page.problems.value and (reqs[2], "responsible") not in keys  # formulas never come in
    assert db_rows(ev.store) == before  # the preview wrote nothing
    # the QMB leaves out the responsible person of reqs[3] and takes the conflict explicitly
    page.checks[(reqs[3], "responsible")].value = False
    page.checks[(reqs[0], "implementation")].value = True
    assert f"{len(page.chosen_keys())} von {len(page.checks)} gewählt" in page.chosen.value
    page.apply_button.click()
    assert "Änderungen aus „Checkliste ausgefüllt.xlsx“ übernommen" in page.result.value
    answers = ev.assessments()
    assert answers[reqs[0]].implementation == "In der Datei geändert"
    assert answers[reqs[1]].implementation == "Neu aus Excel"
    assert ev.assessment(reqs[3]).responsible == ""  # not chosen
    assert ev.assessment(reqs[2]).responsible == ""
    assert page.preview is None and page.checks == {}


def test_hostile_or_foreign_files_get_a_german_message_and_change_nothing(evaluation, catalogs, tmp_path):  # noqa: F811
    page = ImportPage(evaluation, catalogs, exports=tmp_path)
    before = db_rows(evaluation.store)
    _send(page, "bericht.xlsx", b"%PDF-1.7 not a workbook")
    assert "PDF-Datei, keine Excel-Datei" in page.feedback.widget.value
    page.upload.receive({"kind": "refused", "name": "riesig.xlsx", "size": 300 * 1024 * 1024})
    assert "höchstens 20 MB werden eingelesen" in page.feedback.widget.value
    # a file that announces less than it sends is dropped
    page.upload.receive({"kind": "start", "name": "lüge.xlsx", "size": 10})
    page.upload.receive({"kind": "chunk", "offset": 0}, [memoryview(b"x" * 100)])
    assert "zu groß" in page.feedback.widget.value or "höchstens" in page.feedback.widget.value
    assert page.preview is None and db_rows(evaluation.store) == before
    page.apply_button.click()
    assert "zuerst eine ausgefüllte Checkliste" in page.feedback.widget.value


def test_discard_and_nothing_to_change(evaluation, catalogs, tmp_path):  # noqa: F811
    page = ImportPage(evaluation, catalogs, exports=tmp_path)
    _send(page, "unverändert.xlsx", exported(evaluation))
    assert "ändert nichts" in "".join(getattr(r, "value", "") for r in page.rows.children)
    page.discard_button.click()
    assert "verworfen" in page.result.value and page.preview is None


def test_page_by_name_and_in_navigation(evaluation, catalogs, store):  # noqa: F811
    box = build_page("einlesen", {"zyklus": str(evaluation.cycle.id)}, evaluation.store, catalogs)
    html = "".join(getattr(c, "value", "") for c in box.children)
    assert "Excel einlesen" in html and 'href="Einlesen.ipynb?zyklus=' in html
