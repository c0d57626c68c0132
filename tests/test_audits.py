"""The internal audit (issue 16 point 5): programme, records, findings, measures from findings (once), the audit
report in Word, the management review's input and the Fristen page's yearly audit, the page and the CLI.

What a QMB checks: a finding names a requirement of the catalog or none; an Abweichung without measure shows as
such; a double click makes one measure; a colleague with reading rights cannot change anything; the report lists
the findings grouped and keeps typed text as text; a closed audit counts for the year's deadline.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from docx import Document as read_docx

from qmkit.documents.audit_report import audit_report_document
from qmkit.documents.word import save_document
from qmkit.errors import AccessDenied, InputError
from qmkit.services.audits import InternalAudit
from qmkit.services.certification import CertificationPlan
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from tests.conftest import libreoffice_pdf_text, shipped_catalogs
from tests.test_networks import person

HOSTILE = '=HYPERLINK("http://x","klick") <script>alert(1)</script>'


def qes_cycle(store):
    cycles = CycleService(store)
    institution = cycles.create_institution("Familienbildung Nord")
    return cycles.create_cycle(institution.id, "Zertifizierung 2027", shipped_catalogs().get("qesplus"))


def audit_of(store, cycle, access=None, today=None) -> InternalAudit:
    return InternalAudit(SelfEvaluation.open(store, cycle.id, shipped_catalogs(), access), today)


def test_programme_records_and_findings_are_checked(store):
    cycle = qes_cycle(store)
    audit = audit_of(store, cycle)
    item = audit.add_plan_item({"subject": "Kernprozess Beratung", "year": 2027, "month": 4, "auditors": "QMB"})
    assert [i.subject for i in audit.programme(2027)] == ["Kernprozess Beratung"] and audit.programme(2026) == []
    with pytest.raises(InputError, match="Monat"):
        audit.add_plan_item({"subject": "X", "year": 2027, "month": 13})
    with pytest.raises(InputError, match="was auditiert wird"):
        audit.add_plan_item({"subject": "  ", "year": 2027, "month": 1})
    record = audit.add_record({"day": date.today(), "scope": "Beratung"}, item.id)
    with pytest.raises(InputError, match="Zukunft"):
        audit.update_record(record.id, "day", date.today() + timedelta(days=3))
        audit.update_record(record.id, "status", "abgeschlossen")
    with pytest.raises(InputError, match="gibt es im Katalog nicht"):
        audit.add_finding(record.id, {"kind": "abweichung", "text": "x", "requirement_id": "ZZ9"})
    with pytest.raises(InputError, match="Konformität, Empfehlung oder Abweichung"):
        audit.add_finding(record.id, {"kind": "super", "text": "x"})
    reader = audit_of(store, cycle, person(store, "lea", "Familienbildung Nord", role="leitung"))
    assert reader.records() == audit.records()
    with pytest.raises(AccessDenied):
        reader.add_finding(record.id, {"kind": "empfehlung", "text": "Leitung schreibt nicht"})


def test_a_finding_becomes_one_measure_even_on_a_double_click(store):
    cycle = qes_cycle(store)
    audit = audit_of(store, cycle)
    record = audit.add_record({"day": date.today(), "scope": "Kursplanung"})
    requirement = shipped_catalogs().get("qesplus").requirements()[2].id
    finding = audit.add_finding(
        record.id,
        {"kind": "abweichung", "requirement_id": requirement, "text": "Auswertungen werden nicht besprochen."},
    )
    results: list[object] = []

    def click() -> None:
        try:
            results.append(audit.to_plan(finding.id, "Leitung"))
        except InputError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=click) for _i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [r for r in results if isinstance(r, int)]
    assert len(made) == 1 and sum("schon die Maßnahme" in str(r) for r in results) == 2
    measure = store.plans.measure(made[0])
    assert measure.title == "Audit: Auswertungen werden nicht besprochen." and measure.requirement_ids == (requirement,)
    with pytest.raises(InputError, match="Maßnahme; sie bleibt"):
        audit.delete_finding(finding.id)


def test_the_report_the_review_input_and_the_yearly_deadline(store, tmp_path):
    cycle = qes_cycle(store)
    audit = audit_of(store, cycle)
    record = audit.add_record({"day": date.today() - timedelta(days=5), "scope": "Personal", "auditors": "QMB"})
    audit.add_finding(record.id, {"kind": "abweichung", "text": "Einarbeitung ohne Checkliste. " + HOSTILE})
    audit.add_finding(record.id, {"kind": "konformitaet", "text": "Fortbildungsplan liegt vor.", "evidence": "Plan"})
    assert "0 abgeschlossen" in audit.summary_line() and "1 Abweichungen, davon 1 noch ohne Maßnahme" in (
        audit.summary_line()
    )
    plan = CertificationPlan.open(store, cycle.id, shipped_catalogs())
    assert all(i.done is None for i in plan.timeline().deadlines if i.key.startswith("frist:audit_jaehrlich"))
    audit.update_record(record.id, "status", "abgeschlossen")
    assert "1 abgeschlossen" in audit.summary_line()
    report = audit.report(record.id)
    path = save_document(audit_report_document(report), tmp_path / "audit.docx")
    doc = read_docx(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == ["Zusammenfassung", "Abweichung", "Abweichung 1", "Empfehlung"]
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Einarbeitung ohne Checkliste. " + HOSTILE in cells and "Maßnahme fehlt" in cells
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Bericht über das interne Audit" in text and f"Seite {pages} von {pages}" in text


def test_a_closed_audit_counts_for_the_year_of_the_certificate(store):
    from qmkit.domain.timeline import Certification, build_timeline

    qes = shipped_catalogs().get("qesplus")
    cert = Certification(1, certified_on=date(2026, 1, 15))
    timeline = build_timeline(qes, cert, {}, (), {"internal_audit": [date(2026, 9, 3)]})
    first = next(i for i in timeline.deadlines if i.key == "frist:audit_jaehrlich:1")
    second = next(i for i in timeline.deadlines if i.key == "frist:audit_jaehrlich:2")
    assert first.done == date(2026, 9, 3) and first.done_note == "Internes Audit vom 03.09.2026"
    assert second.done is None


def test_the_page_plans_records_finds_and_plans_a_measure(store, tmp_path, monkeypatch):
    import ipywidgets as w

    from qmkit.ui.app import build_page
    from tests.test_inspections import _page_text, _widgets

    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    cycle = qes_cycle(store)
    page = build_page("audit", {"zyklus": str(cycle.id)}, store, shipped_catalogs())
    assert "Für dieses Jahr ist noch nichts geplant." in _page_text(page)
    texts = {t.description: t for t in _widgets(page, w.Text)}
    texts["Gegenstand"].value = "Kernprozess Beratung"
    next(b for b in _widgets(page, w.Button) if b.description == "Ins Programm aufnehmen").click()
    assert "Kernprozess Beratung" in _page_text(page)
    next(b for b in _widgets(page, w.Button) if b.description == "Neues Audit").click()
    [record] = store.audits.records(cycle.id)
    area = next(t for t in _widgets(page, w.Textarea) if t.description == "Feststellung")
    kind = next(d for d in _widgets(page, w.Dropdown) if d.description == "Art")
    kind.value = "abweichung"
    area.value = "Beschwerden werden nicht ausgewertet."
    next(b for b in _widgets(page, w.Button) if b.description == "Feststellung hinzufügen").click()
    assert "Abweichung: Beschwerden werden nicht ausgewertet." in _page_text(page)
    who = next(t for t in _widgets(page, w.Text) if t.placeholder == "verantwortlich")
    who.value = "Leitung"
    next(b for b in _widgets(page, w.Button) if b.description == "Maßnahme anlegen").click()
    assert "✓ Maßnahme im Plan" in _page_text(page)
    assert [m.title for m in store.plans.measures(cycle.id)] == ["Audit: Beschwerden werden nicht ausgewertet."]
    next(b for b in _widgets(page, w.Button) if b.description == "Bericht als Word").click()
    assert 'id="qm-audit-docx"' in _page_text(page)
    assert store.audits.findings([record.id])[0].measure_id is not None


def test_cli_writes_the_audit_report_of_the_demo(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--catalog", "qesplus"]) == 0
    out = tmp_path / "audit.docx"
    assert main(["export", "audit-report", "--out", str(out)]) == 0
    assert "Auditbericht gespeichert" in capsys.readouterr().out
    cells = [c.text for t in read_docx(str(out)).tables for r in t.rows for c in r.cells]
    assert "Kernprozess Kursplanung (Standort Mitte)" in cells
    assert main(["export", "audit-report", "--out", str(tmp_path / "x.pdf")]) == 1
    assert main(["demo", "--catalog", "qm4"]) == 0
    assert main(["export", "audit-report", "--cycle", "Selbstbewertung 2026 – qm4"]) == 1
    assert "noch kein internes Audit" in capsys.readouterr().err


def test_the_management_review_takes_the_audit_results_as_input(store):
    from qmkit.ui.pages.review import ReviewPage

    cycle = qes_cycle(store)
    audit = audit_of(store, cycle)
    record = audit.add_record({"day": date.today(), "scope": "Personal"})
    audit.add_finding(record.id, {"kind": "empfehlung", "text": "Einarbeitung vereinheitlichen"})
    page = ReviewPage(SelfEvaluation.open(store, cycle.id, shipped_catalogs()))
    page.management.new.click()
    page.management.inputs_button.click()
    [review] = store.reviews.management_reviews(cycle.id)
    assert "Internes Audit: 0 abgeschlossen (–); 0 Konformitäten, 1 Empfehlungen" in review.inputs
