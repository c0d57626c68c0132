"""Word reports (python-docx): the shared document module and the survey report, read back as a reader would.

What a QMB checks: the file opens in Word's library and in LibreOffice, every question and group is there, a group
below the threshold shows only "zu wenige Antworten" (no figure, no free text), typed text stays text (no formula,
no markup), umlauts survive, the header names the institution and the footer counts pages; filing the result in the
evidence register links it to the requirements it informs and a second filing replaces the first. Runs on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import io

from docx import Document as read_docx

from qmkit.documents.survey_report import survey_report_document
from qmkit.documents.word import document_bytes, new_document, para, safe, save_document, table
from qmkit.services.register import EvidenceRegister
from qmkit.services.survey_evidence import evidence_title, file_survey_result
from qmkit.services.surveys import Respondents
from qmkit.store.files import EvidenceFiles
from tests.conftest import libreoffice_pdf_text
from tests.test_surveys import open_survey

HOSTILE = '=HYPERLINK("http://x","klick") <script>alert(1)</script> Größe über Öfen'


def _answered_survey(store):
    service, survey = open_survey(store)
    people = Respondents(store)
    links = service.links(survey.id)
    for i in range(6):
        door = people.by_link(links["jugendamt"], f"j{i:031d}")
        people.respond(
            door,
            {"erreichbar": "4" if i else "1", "kontakt": "monatlich", "wege": ["telefon", "mail"], "anregung": HOSTILE},
        )
    door = people.by_link(links["schule"], "s" * 32)
    people.respond(door, {"erreichbar": "2", "anregung": "Geheimnis der einen Schule"})
    return service, survey


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def test_the_word_survey_report_hides_small_groups_keeps_text_as_text_and_prints(store, tmp_path):
    service, survey = _answered_survey(store)
    path = save_document(survey_report_document(*service.report(survey.id)), tmp_path / "befragung.docx")
    doc = read_docx(str(path))
    text = _all_text(doc)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    questions = [q for q in survey.instrument.questions if q.kind.value != "text"]
    assert all(any(h.startswith(f"{q.id} · ") for h in headings) for q in questions)
    assert "Freitexte" in headings and "Jugendhilfe Hohenlohe" in text
    rows = {t.rows[i].cells[0].text: [c.text for c in t.rows[i].cells] for t in doc.tables for i in range(len(t.rows))}
    assert rows["Jugendamt"][1] == "6"
    assert rows["Schule"][1:-1] == [""] * (len(rows["Schule"]) - 2)
    assert rows["Schule"][-1] == "zu wenige Antworten (1 von mindestens 5)"
    assert "Geheimnis" not in text and text.count(HOSTILE) == 6
    assert doc.core_properties.language == "de-DE"
    pdf_text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Ergebnis der Befragung" in pdf_text and "Größe über Öfen" in pdf_text and "Geheimnis" not in pdf_text
    assert f"Seite {pages} von {pages}" in pdf_text and pages >= 3


def test_the_document_module_drops_what_xml_cannot_hold_and_keeps_tables_whole(tmp_path):
    assert safe("a\x00b\x1bc\td\ne") == "abc\td\ne" and safe(None) == ""
    doc = new_document("Titel \x07mit Steuerzeichen", "Träger <b>e.V.</b>")
    para(doc, "Zeile\x0bmit Tabulator\tund Umbruch")
    grid = table(doc, ["Spalte", "=SUM(A1:A9)"], [["+49 30 1234", "@sum"], [None, 7]], [4.0, 6.0])
    assert [c.text for c in grid.rows[0].cells] == ["Spalte", "=SUM(A1:A9)"]
    assert grid.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    again = read_docx(io.BytesIO(document_bytes(doc)))
    assert again.core_properties.title == "Titel mit Steuerzeichen"
    assert again.sections[0].header.paragraphs[0].text == "Träger <b>e.V.</b> · Titel mit Steuerzeichen"
    assert [c.text for c in again.tables[0].rows[2].cells] == ["", "7"]


def test_filing_the_result_as_evidence_links_the_informed_requirements_and_replaces_the_earlier_one(store, tmp_path):
    service, survey = _answered_survey(store)
    files = EvidenceFiles(tmp_path / "evidence")
    first = file_survey_result(
        service, survey.id, document_bytes(survey_report_document(*service.report(survey.id))), "befragung.docx", files
    )
    informed = sorted({r for q in survey.instrument.questions for r in q.informs})
    assert first.requirements == tuple(informed) and first.document.kind == "bericht"
    register = EvidenceRegister(store, store.cycles.get(survey.cycle_id).institution_id, files)
    assert sorted(r for _c, r in register.usage()[first.document.id]) == informed
    # someone links the first result to one more requirement by hand: it stays when the result is filed again
    second = file_survey_result(service, survey.id, b"zweiter Stand", "befragung2.docx", files)
    assert second.replaced == 1 and second.document.id != first.document.id
    titles = [d.title for d in register.documents()]
    assert titles.count(evidence_title(survey.title)) == 1
    register.link(survey.cycle_id, "L1.1", second.document)
    third = file_survey_result(service, survey.id, b"dritter Stand", "befragung3.docx", files)
    assert third.replaced == 0
    assert [d.title for d in register.documents()].count(evidence_title(survey.title)) == 2
    assert files.read(third.document.file_hash) == b"dritter Stand"


def test_cli_writes_the_word_report_and_files_it_as_evidence(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--catalog", "qmf"]) == 0
    assert main(["survey", "create", "--instrument", "qmf-systempartner", "--closes", "31.12.2099"]) == 0
    capsys.readouterr()
    out = tmp_path / "bericht.docx"
    assert main(["export", "survey-report", "--survey", "1", "--out", str(out), "--evidence"]) == 0
    printed = capsys.readouterr().out
    assert "Im Nachweisregister eingetragen: „Ergebnis der Befragung „Befragung der Systempartner““" in printed
    assert "zu wenige Antworten (0 von mindestens 5)" in _all_text(read_docx(str(out)))
    assert main(["export", "survey-report", "--survey", "1", "--out", str(tmp_path / "x.csv"), "--evidence"]) != 0
    assert "nicht die CSV" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()


def test_the_page_offers_the_word_report_and_files_it_in_the_register(store, tmp_path, monkeypatch):
    import base64
    import re

    import ipywidgets as w

    from qmkit.ui.app import build_page
    from tests.conftest import shipped_catalogs
    from tests.test_networks import _texts
    from tests.test_surveys import _all

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    _service, survey = _answered_survey(store)
    page = build_page("befragung", {"zyklus": str(survey.cycle_id)}, store, shipped_catalogs())
    buttons = {b.description: b for b in _all(page, w.Button)}
    buttons["Ergebnis als Word"].click()
    link = re.search(r'download="([^"]+\.docx)" href="data:[^;]+;base64,([^"]+)"', " ".join(_texts(page)))
    assert link and link.group(1).startswith("Befragung_")
    assert "Jugendamt" in _all_text(read_docx(io.BytesIO(base64.b64decode(link.group(2)))))
    buttons["Als Nachweis eintragen"].click()
    text = " ".join(_texts(page))
    assert "Im Nachweisregister eingetragen: „Ergebnis der Befragung „Befragung der Systempartner““" in text
    institution = store.cycles.get(survey.cycle_id).institution_id
    entries = [d for d in store.evidence.documents(institution) if d.title == evidence_title(survey.title)]
    assert len(entries) == 1 and entries[0].file_name.endswith(".docx")


def test_management_review_minutes_keep_typed_text_and_print(store, tmp_path):
    from datetime import date

    from qmkit.documents.review_minutes import review_minutes_document
    from tests.conftest import plan

    _service, survey = open_survey(store)
    record = plan(store, survey.cycle_id).add_management_review(
        held_on=date(2026, 11, 20),
        participants="Leitung, QMB, Betriebsrat",
        inputs="Ergebnisse der Befragung\n" + HOSTILE,
        decisions="+ Beschwerdeweg überarbeiten\n- Kurs „Öffnungszeiten“ einstellen",
    )
    path = save_document(
        review_minutes_document(record, "Jugendhilfe Hohenlohe", "Runde 2026–2028", "QMF"), tmp_path / "mb.docx"
    )
    text = _all_text(read_docx(str(path)))
    assert "Protokoll der Managementbewertung vom 20.11.2026" in text and "Leitung, QMB, Betriebsrat" in text
    assert HOSTILE in text and "- Kurs „Öffnungszeiten“ einstellen" in text
    pdf_text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Entscheidungen" in pdf_text and "Öffnungszeiten" in pdf_text and f"Seite 1 von {pages}" in pdf_text
