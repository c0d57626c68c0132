"""Written work (issue 16, first step): the definition of successful learning in versions with sign-off, the five
focal points per requirement saved as typed, the Selbstreport as a Word document (qmkit's layout or the
organisation's template), on the page and on the command line.

What a QMB checks: a signed-off version never changes (a change is the next version, also when two people save at
once); a colleague without the right to sign off cannot; a refused text is not stored; the report has every area,
the definition, the narratives, the evidence index and the development goals, typed text stays text, umlauts
survive, LibreOffice converts it; a template's placeholders are filled and the report sits where it says.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pytest
from docx import Document as read_docx

from qmkit.documents.selfreport import selfreport_document
from qmkit.documents.word import document_bytes, save_document
from qmkit.domain.written import FOCAL_KEYS
from qmkit.errors import AccessDenied, InputError
from qmkit.services.cycles import CycleService
from qmkit.services.planning import Planning
from qmkit.services.register import EvidenceRegister
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.written import WrittenWork
from qmkit.store import Store
from tests.conftest import libreoffice_pdf_text, shipped_catalogs
from tests.test_networks import person

HOSTILE = '=HYPERLINK("http://x","klick") <script>alert(1)</script>'
DEFINITION = "Gelungenes Lernen heißt für uns: Menschen gewinnen Zutrauen in ihre Fähigkeiten.\n\nÄnderungen üben."


def lqw_cycle(store, catalog: str = "lqw"):
    cycles = CycleService(store)
    institution = cycles.create_institution("Volkshochschule Süd")
    return cycles.create_cycle(institution.id, "Testierung 2027", shipped_catalogs().get(catalog))


def test_definition_versions_and_sign_off(store):
    cycle = lqw_cycle(store)
    written = WrittenWork(store, shipped_catalogs())
    first = written.save_definition(cycle.institution_id, "Entwurf")
    again = written.save_definition(cycle.institution_id, DEFINITION)
    assert (first.version, again.version, again.text) == (1, 1, DEFINITION)
    with pytest.raises(InputError, match="Zukunft"):
        written.sign_off(cycle.institution_id, again.id, "Leitung", date.today() + timedelta(days=1))
    signed = written.sign_off(cycle.institution_id, again.id, "Frau Leitung")
    assert signed.signed and signed.signed_off_by == "Frau Leitung"
    with pytest.raises(InputError, match="schon freigegeben"):
        written.sign_off(cycle.institution_id, again.id, "Frau Leitung")
    errors: list[BaseException] = []

    def save(text: str) -> None:
        try:
            written.save_definition(cycle.institution_id, text)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(f"Neu {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = written.definitions(cycle.institution_id)
    assert errors == [] and [v.version for v in versions] == [2, 1]
    assert versions[1].text == DEFINITION and written.current(cycle.institution_id).version == 1
    with pytest.raises(InputError, match="Maßstab"):
        written.save_definition(cycle.institution_id, "   ")
    staff = WrittenWork(store, shipped_catalogs(), person(store, "mia", "Volkshochschule Süd", role="mitarbeit"))
    staff.save_definition(cycle.institution_id, "Mitarbeit darf schreiben")
    with pytest.raises(AccessDenied):
        staff.sign_off(cycle.institution_id, versions[0].id, "Mia")


def test_focal_points_are_saved_as_typed_and_refused_text_is_not(store):
    cycle = lqw_cycle(store)
    written = WrittenWork(store, shipped_catalogs())
    written.write_focal(cycle.id, "L1.1", "begruendung", "Weil Lernende selbst entscheiden. " + HOSTILE)
    with pytest.raises(InputError, match="höchstens 12000 Zeichen"):
        written.write_focal(cycle.id, "L1.1", "verfahren", "x" * 12001)
    with pytest.raises(InputError, match="gibt es im Katalog nicht"):
        written.write_focal(cycle.id, "ZZ9", "verfahren", "x")
    with pytest.raises(InputError, match="Unbekanntes Feld"):
        written.write_focal(cycle.id, "L1.1", "noten", "x")
    assert written.narratives(cycle.id) == {"L1.1": {"begruendung": "Weil Lernende selbst entscheiden. " + HOSTILE}}
    stranger = WrittenWork(store, shipped_catalogs(), person(store, "eve"))
    with pytest.raises(AccessDenied):
        stranger.write_focal(cycle.id, "L1.1", "verfahren", "fremd")


def _filled_report(store):
    cycle = lqw_cycle(store)
    catalogs = shipped_catalogs()
    written = WrittenWork(store, catalogs)
    definition = written.save_definition(cycle.institution_id, DEFINITION)
    written.sign_off(cycle.institution_id, definition.id, "Frau Leitung")
    for req in catalogs.get("lqw").requirements():
        for key in FOCAL_KEYS:
            written.write_focal(cycle.id, req.id, key, f"{req.id} {key}: Wir prüfen jährlich, was Lernende sagen.")
    written.write_focal(cycle.id, "L1.1", "ergebnisse", HOSTILE)
    register = EvidenceRegister(store, cycle.institution_id)
    leitbild = register.add_reference(title="Leitbild 2026", kind="leitbild", version="3")
    register.link(cycle.id, "L1.1", leitbild)
    register.link(cycle.id, "L1.3", leitbild)
    register.link(cycle.id, "L1.2", register.add_reference(title="Protokolle der Leitbildwerkstatt", kind="protokoll"))
    planning = Planning.open(store, cycle.id, catalogs)
    planning.add_goal(title="Digitale Lernwege für Ältere", kind="entwicklungsziel", why="Nachfrage")
    return cycle, written.self_report(cycle.id)


def test_the_selfreport_has_every_area_the_definition_narratives_index_and_goals(store, tmp_path):
    _cycle, report = _filled_report(store)
    assert report.index[0].number == "N1" and report.index[0].title == "Leitbild 2026"
    path = save_document(selfreport_document(report), tmp_path / "selbstreport.docx")
    doc = read_docx(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    catalog = shipped_catalogs().get("lqw")
    assert all(f"{a.id} {a.title}" in headings for a in catalog.areas)
    assert "Definition gelungenen Lernens" in headings and "Nachweisverzeichnis" in headings
    assert headings.count("Schlussfolgerungen") == len(catalog.requirements())
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Gelungenes Lernen heißt für uns" in text and "freigegeben von Frau Leitung" in text
    assert HOSTILE in text and "Stand: beschrieben · Nachweise: N1" in text
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Digitale Lernwege für Ältere" in cells and "Leitbild/Leitlinie" in cells
    pdf_text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Selbstreport" in pdf_text and "Zutrauen in ihre Fähigkeiten" in pdf_text and pages >= 10


def test_a_catalog_without_narrative_reports_the_implementation_text(store):
    cycle = lqw_cycle(store, "qm4")
    catalogs = shipped_catalogs()
    first = catalogs.get("qm4").requirements()[0]
    SelfEvaluation.open(store, cycle.id, catalogs).set_text(first.id, "implementation", "So machen wir es.")
    report = WrittenWork(store, catalogs).self_report(cycle.id)
    assert report.definition_title == "" and not report.narrative
    text = "\n".join(p.text for p in selfreport_document(report).paragraphs)
    assert "Umsetzung" in text and "So machen wir es." in text and "Definition" not in text


def _template() -> bytes:
    from docx import Document

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{einrichtung}} – Selbstreport"
    doc.add_paragraph("Unser Selbstreport für {{zyklus}}")
    doc.add_paragraph("{{inhalt}}")
    doc.add_paragraph("Ende der Vorlage")
    return document_bytes(doc)


def test_the_organisations_template_gets_its_placeholders_and_the_report_in_place(store):
    _cycle, report = _filled_report(store)
    doc = read_docx(io.BytesIO(document_bytes(selfreport_document(report, _template()))))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Unser Selbstreport für Testierung 2027" and texts[-1] == "Ende der Vorlage"
    assert "{{inhalt}}" not in texts and texts.index("Nachweisverzeichnis") < texts.index("Ende der Vorlage")
    assert doc.sections[0].header.paragraphs[0].text == "Volkshochschule Süd – Selbstreport"
    with pytest.raises(InputError, match="keine lesbare Word-Datei"):
        selfreport_document(report, b"PK\x03\x04 kaputt")


def test_cli_exports_the_selfreport_with_and_without_a_template(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--catalog", "lqw"]) == 0
    out = tmp_path / "sr.docx"
    assert main(["export", "selfreport", "--out", str(out)]) == 0
    assert "Selbstreport gespeichert" in capsys.readouterr().out
    assert "Definition gelungenen Lernens" in [p.text for p in read_docx(str(out)).paragraphs]
    template = tmp_path / "vorlage.docx"
    template.write_bytes(_template())
    assert main(["export", "selfreport", "--template", str(template), "--out", str(out)]) == 0
    assert read_docx(str(out)).paragraphs[0].text.startswith("Unser Selbstreport für Selbstbewertung")
    (tmp_path / "kaputt.docx").write_text("kein Word", encoding="utf-8")
    assert main(["export", "selfreport", "--template", str(tmp_path / "kaputt.docx")]) == 1
    assert "keine lesbare Word-Datei" in capsys.readouterr().err


def test_the_page_writes_the_definition_and_the_focal_points_and_builds_the_report(store, tmp_path, monkeypatch):
    import ipywidgets as w

    from qmkit.ui.app import build_page
    from tests.test_inspections import _page_text, _widgets

    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    cycle = lqw_cycle(store)
    page = build_page("selbstbewertung", {"zyklus": str(cycle.id)}, store, shipped_catalogs())
    assert "Definition gelungenen Lernens" in _page_text(page) and "Noch keine Fassung" in _page_text(page)
    definition = next(b for b in _widgets(page, w.Textarea) if "gelungenes Lernen" in b.placeholder)
    definition.value = DEFINITION
    next(b for b in _widgets(page, w.Button) if b.description == "Als Entwurf speichern").click()
    assert "Definition gespeichert (Fassung 1)." in _page_text(page)
    who = next(b for b in _widgets(page, w.Text) if b.description == "Freigabe durch")
    who.value = "Frau Leitung"
    next(b for b in _widgets(page, w.Button) if b.description == "Freigeben").click()
    assert "Fassung 1 freigegeben." in _page_text(page)
    next(b for b in _widgets(page, w.Button) if b.description == "Fünf Schwerpunkte schreiben").click()
    first = next(b for b in _widgets(page, w.Textarea) if b.layout.height == "90px")
    first.value = "Weil unsere Lernenden es so wollen."
    assert "✓ gespeichert" in _page_text(page) and "Beschreibung:</b> in Arbeit" in _page_text(page)
    first.value = "y" * 12001
    assert "nicht gespeichert" in _page_text(page) and first.value == "y" * 12001
    assert store.written.narratives(cycle.id)["L1.1"]["begruendung"] == "Weil unsere Lernenden es so wollen."
    again = build_page("selbstbewertung", {"zyklus": str(cycle.id)}, store, shipped_catalogs())
    assert "Fassung 1, freigegeben" in _page_text(again) and "Zutrauen in ihre Fähigkeiten" in _page_text(again)
    next(b for b in _widgets(again, w.Button) if b.description == "Selbstreport als Word").click()
    assert 'id="qm-selfreport"' in _page_text(again)


def test_lqw_self_ratings_become_states_of_the_description_on_upgrade(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, text

    from qmkit.store.migrations import alembic_config, migration_transaction

    engine = create_engine(f"sqlite:///{tmp_path / 'alt.sqlite'}")
    with migration_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), "0014")
        conn.execute(text("INSERT INTO institutions (id, name, qmb, created_at) VALUES (1, 'VHS', '', '2026')"))
        for cycle, catalog in ((1, "lqw"), (2, "qm4")):
            conn.execute(
                text(
                    "INSERT INTO cycles (id, institution_id, name, catalog_id, catalog_version, requirement_ids, "
                    "created_at, updated_at) VALUES (:id, 1, :name, :cat, '2026.1', '[]', '2026', '2026')"
                ),
                {"id": cycle, "name": f"Z{cycle}", "cat": catalog},
            )
        rows = [
            (1, "L1.1", "erfuellt"),
            (1, "L1.2", "auflage"),
            (1, "L1.3", "nicht_erfuellt"),
            (2, "QB1.1", "erfuellt"),
        ]
        for cycle, req, rating in rows:
            conn.execute(
                text(
                    "INSERT INTO assessments (cycle_id, requirement_id, rating, implementation, responsible, "
                    "changed_by, changed_at, revision) VALUES (:c, :r, :v, '', '', '', '2026', 1)"
                ),
                {"c": cycle, "r": req, "v": rating},
            )
    engine.dispose()
    store = Store(f"sqlite:///{tmp_path / 'alt.sqlite'}")
    ratings = {(c, r): store.assessments.get(c, r).rating for c, r, _v in rows}
    assert ratings == {
        (1, "L1.1"): "beschrieben",
        (1, "L1.2"): "in_arbeit",
        (1, "L1.3"): "offen",
        (2, "QB1.1"): "erfuellt",  # other catalogs keep their scale
    }
    store.close()
