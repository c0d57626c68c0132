"""Collegial inspections (issue 15 point 3): focus topics of a round, an inspection with host and peer team, the
peers' findings saved as typed, the host's statement, agreements into the host's plan (once), the follow-up at the
next round, the Begehungsbericht and the empty sheet as Word documents.

What the people involved check: only the coordination sets topics; a peer writes findings, the host does not (it
states); an institution outside the inspection sees that it exists, not what was found; two peers typing into the
same question make one row; a double click makes one measure; the report shows every question, the documents
"nur vor Ort" and the statement, keeps typed text as text, and converts in LibreOffice. SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from docx import Document as read_docx

from qmkit.documents.inspection_report import inspection_report_document, inspection_sheet_document
from qmkit.documents.word import save_document
from qmkit.domain.inspection import InspectionStatus, check_topic
from qmkit.errors import AccessDenied, InputError
from qmkit.services.inspections import InspectionService
from qmkit.services.networks import NetworkService
from tests.conftest import libreoffice_pdf_text, shipped_catalogs
from tests.test_networks import person

HOSTILE = '=HYPERLINK("http://x","klick") <script>alert(1)</script>'
QUESTIONS = "Wie werden Kinder an Entscheidungen im Alltag beteiligt?\nWo können Kinder sich beschweren?"


def region(store, size: int = 4):
    """A QMF region of ``size`` providers (one cycle each), coordinated by "kora"; a round with one topic."""
    catalogs = shipped_catalogs()
    admin = NetworkService(store, catalogs)
    network = admin.create({"name": "Region Hohenlohe", "kind": "region", "catalog_id": "qmf"}, "kora")
    members = []
    for i in range(size):
        inst = store.institutions.create(f"Träger {i:02d}")
        member = admin.invite(network.id, {"kind": "traeger"}, inst.id)
        admin.accept(member.id)
        store.cycles.create(inst.id, "Runde 2026–2028", catalogs.get("qmf"))
        members.append(member)
    first = admin.add_round(network.id, {"name": "Runde 2026–2028", "starts": "2026-01-01", "ends": "2028-12-31"})
    kora = service_for(store, "kora")
    kora.add_topic(network.id, first.id, {"title": "Beteiligung von Kindern", "questions": QUESTIONS})
    return network, first, members, kora


def service_for(store, login: str, institution: str | None = None) -> InspectionService:
    return InspectionService(NetworkService(store, shipped_catalogs(), person(store, login, institution)))


def planned(store, days_ago: int = 3):
    network, the_round, members, kora = region(store)
    register = store.evidence
    host_inst = members[0].institution_id
    kept = register.add_document(host_inst, "test", title="Beteiligungskonzept", kind="konzept", on_site_only=True)
    other = register.add_document(members[1].institution_id, "test", title="Fremdes Konzept", kind="konzept")
    inspection = kora.plan(
        network.id,
        the_round.id,
        {
            "host_member_id": members[0].id,
            "day": date.today() - timedelta(days=days_ago),
            "place": "Haus am See",
            "peers": [members[1].id, members[2].id],
            "peer_names": "Frau Peer\nHerr Gast",
            "documents": [kept.id],
        },
    )
    return network, the_round, members, kora, inspection, other


def test_a_topic_needs_a_title_and_checkable_questions():
    assert check_topic({"title": " Krisenintervention ", "questions": "a?\n\n a? \nb?"}) == {
        "title": "Krisenintervention",
        "questions": ["a?", "b?"],
    }
    with pytest.raises(InputError, match="mindestens eine Prüffrage"):
        check_topic({"title": "X", "questions": "\n \n"})
    with pytest.raises(InputError, match="Höchstens 12"):
        check_topic({"title": "X", "questions": [f"Frage {i}" for i in range(13)]})


def test_who_plans_writes_and_sees_an_inspection(store):
    network, the_round, members, kora, inspection, other = planned(store)
    with pytest.raises(AccessDenied, match="Koordinierenden"):
        service_for(store, "qmb0", "Träger 00").add_topic(network.id, the_round.id, {"title": "X", "questions": "y?"})
    with pytest.raises(InputError, match="nicht die gastgebende"):
        kora.plan(network.id, the_round.id, {"host_member_id": members[3].id, "day": "2026-05-01",
                                             "peers": [members[3].id]})  # fmt: skip
    with pytest.raises(InputError, match="Nachweisregister der gastgebenden"):
        kora.update(inspection.id, {"documents": [other.id]})
    with pytest.raises(InputError, match="schon eine Begehung"):
        kora.plan(network.id, the_round.id, {"host_member_id": members[0].id, "day": "2026-05-01"})
    topic = kora.topics(network.id, the_round.id)[0]
    peer = service_for(store, "peer1", "Träger 01")
    peer.write_finding(inspection.id, topic.id, 0, "seen", "Kinderrat tagt monatlich; Protokolle hängen aus.")
    host = service_for(store, "host0", "Träger 00")
    with pytest.raises(AccessDenied, match="Begehungsteam"):
        host.write_finding(inspection.id, topic.id, 0, "seen", "Wir sind super.")
    with pytest.raises(AccessDenied, match="gastgebende Einrichtung"):
        peer.set_statement(inspection.id, "Ich bin nicht der Gastgeber.")
    with pytest.raises(InputError, match="Prüffrage gibt es"):
        peer.write_finding(inspection.id, topic.id, 7, "seen", "x")
    outsider = service_for(store, "out3", "Träger 03")
    assert outsider.inspections(network.id, the_round.id) == [(outsider.store.inspections.get(inspection.id), False)]
    with pytest.raises(AccessDenied):
        outsider.report(inspection.id)
    host.set_statement(inspection.id, "Wir nehmen die Anregungen auf.")
    report = host.report(inspection.id)
    assert report.finding(topic.id, 0).seen.startswith("Kinderrat") and report.peers == ("Träger 01", "Träger 02")
    assert [d.title for d in report.documents] == ["Beteiligungskonzept"] and report.documents[0].on_site_only


def test_two_peers_typing_at_once_make_one_row_per_question(store):
    network, the_round, _members, kora, inspection, _other = planned(store)
    topic = kora.topics(network.id, the_round.id)[0]
    peers = [service_for(store, f"peer{i}", f"Träger 0{i}") for i in (1, 2)]
    fields = ["seen", "strengths"]
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for n in range(10):
                peers[i].write_finding(inspection.id, topic.id, 1, fields[i], f"Notiz {i}-{n}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    found = [f for f in store.inspections.findings(inspection.id) if f.question == 1]
    assert len(found) == 1 and found[0].seen == "Notiz 0-9" and found[0].strengths == "Notiz 1-9"


def test_agreements_go_into_the_host_plan_once_and_come_back_at_the_next_round(store):
    network, the_round, members, kora, inspection, _other = planned(store, days_ago=400)
    peer = service_for(store, "peer1", "Träger 01")
    agreement = peer.add_agreement(inspection.id, {"text": "Beschwerdeweg für Kinder sichtbar machen",
                                                   "responsible": "Leitung", "due": date.today()})  # fmt: skip
    host = service_for(store, "host0", "Träger 00")
    cycle = store.cycles.all(members[0].institution_id)[0]
    with pytest.raises(AccessDenied):
        peer.to_plan(inspection.id, agreement.id, cycle.id)
    results: list[object] = []

    def click() -> None:
        try:
            results.append(host.to_plan(inspection.id, agreement.id, cycle.id))
        except InputError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=click) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [r for r in results if isinstance(r, int)]
    assert len(made) == 1 and any("schon im Plan" in str(r) for r in results)
    measure = store.plans.measure(made[0])
    assert measure.title == "Begehung: Beschwerdeweg für Kinder sichtbar machen" and measure.responsible == "Leitung"
    host.set_status(inspection.id, InspectionStatus.ABGESCHLOSSEN.value)
    with pytest.raises(InputError, match="abgeschlossen"):
        peer.write_finding(inspection.id, kora.topics(network.id, the_round.id)[0].id, 0, "seen", "später")
    admin = NetworkService(store, shipped_catalogs())
    later = admin.add_round(network.id, {"name": "Runde 2029–2031"})
    kora.add_topic(network.id, later.id, {"title": "Krisenintervention", "questions": "Wer ist nachts erreichbar?"})
    again = kora.plan(network.id, later.id, {"host_member_id": members[0].id, "day": date.today(),
                                             "peers": [members[3].id]})  # fmt: skip
    follow = host.report(again.id).follow_up
    assert [(f.text, f.measure, f.status) for f in follow] == [
        ("Beschwerdeweg für Kinder sichtbar machen", measure.title, "geplant")
    ]
    with pytest.raises(InputError, match="in der Zukunft"):
        kora.set_status(
            kora.plan(network.id, later.id, {"host_member_id": members[1].id, "day": date.today() + timedelta(9)}).id,
            "durchgefuehrt",
        )


def test_the_report_and_the_empty_sheet_as_word_documents(store, tmp_path):
    network, the_round, _members, kora, inspection, _other = planned(store)
    topic = kora.topics(network.id, the_round.id)[0]
    peer = service_for(store, "peer1", "Träger 01")
    peer.write_finding(inspection.id, topic.id, 0, "seen", "Größere Kinder wählen Sprecher:innen. " + HOSTILE)
    peer.write_finding(inspection.id, topic.id, 1, "suggestions", "Beschwerdebox auch für Jüngere")
    peer.add_agreement(inspection.id, {"text": "Kinderrat auch in der Tagesgruppe", "responsible": "Frau Peer"})
    service_for(store, "host0", "Träger 00").set_statement(inspection.id, "Danke für den Blick von außen.")
    found = kora.report(inspection.id)
    path = save_document(inspection_report_document(found), tmp_path / "bericht.docx")
    doc = read_docx(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Beteiligung von Kindern" in headings
    assert "1. Wie werden Kinder an Entscheidungen im Alltag beteiligt?" in headings
    assert "Stellungnahme der gastgebenden Einrichtung" in headings
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Beteiligungskonzept" in cells and any(HOSTILE in c for c in cells)
    assert "Kinderrat auch in der Tagesgruppe" in cells
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Bericht der kollegialen Begehung" in text and "Danke für den Blick von außen." in text
    assert "Größere Kinder" in text and f"Seite {pages} von {pages}" in text
    sheet = save_document(inspection_sheet_document(found), tmp_path / "bogen.docx")
    sheet_doc = read_docx(str(sheet))
    sheet_cells = [c.text for t in sheet_doc.tables for r in t.rows for c in r.cells]
    assert "Größere Kinder" not in " ".join(sheet_cells) and "Was wir gesehen haben" in sheet_cells
    sheet_text, sheet_pages = libreoffice_pdf_text(sheet, tmp_path)
    assert "Begehungsbogen" in sheet_text and "Wo können Kinder sich beschweren?" in sheet_text and sheet_pages >= 3


STATEMENT = "Stellungnahme der gastgebenden Einrichtung"  # the field's name (read by screen readers)


def _widgets(widget, kind):
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += _widgets(child, kind)
    return found


def _page_text(widget) -> str:
    import ipywidgets as w

    return " ".join(h.value for h in _widgets(widget, w.HTML))


def test_the_page_lets_peers_write_as_they_go_and_the_host_state_and_plan(store, tmp_path, monkeypatch):
    import ipywidgets as w

    from qmkit.ui.app import build_page

    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    network, _round, members, _kora, inspection, _other = planned(store)
    query = {"netzwerk": str(network.id), "begehung": str(inspection.id)}
    peer_identity = person(store, "peer1", "Träger 01").identity
    page = build_page("begehung", query, store, shipped_catalogs(), identity=peer_identity)
    text = _page_text(page)
    assert "Begehung bei Träger 00" in text and "Beteiligung von Kindern" in text and "Beteiligungskonzept" in text
    boxes = [b for b in _widgets(page, w.Textarea) if b.description == "Was wir gesehen haben"]
    assert len(boxes) == 2 and not boxes[0].disabled
    boxes[0].value = "Ein Kinderrat tagt monatlich. <b>fett</b>"
    assert "✓ gespeichert" in _page_text(page)
    boxes[1].value = "x" * 7000
    assert "höchstens 6000 Zeichen" in _page_text(page) and boxes[1].value == "x" * 7000
    statement = next(b for b in _widgets(page, w.Textarea) if b.description == STATEMENT)
    assert statement.disabled  # a peer does not write the host's statement
    host_identity = person(store, "host0", "Träger 00").identity
    page = build_page("begehung", query, store, shipped_catalogs(), identity=host_identity)
    host_boxes = [b for b in _widgets(page, w.Textarea) if b.description == "Was wir gesehen haben"]
    assert host_boxes[0].value == "Ein Kinderrat tagt monatlich. <b>fett</b>" and host_boxes[0].disabled
    statement = next(b for b in _widgets(page, w.Textarea) if b.description == STATEMENT and not b.disabled)
    statement.value = "Wir danken für die Begehung."
    assert store.inspections.get(inspection.id).statement == "Wir danken für die Begehung."
    form = {b.description: b for b in _widgets(page, w.Textarea) + _widgets(page, w.Text)}
    form["Vereinbarung"].value = "Beschwerdebox für Jüngere"
    form["Verantwortlich"].value = "Leitung"
    next(b for b in _widgets(page, w.Button) if b.description == "Vereinbarung hinzufügen").click()
    next(b for b in _widgets(page, w.Button) if b.description == "In den Plan übernehmen").click()
    assert "Als Maßnahme in den Plan übernommen." in _page_text(page)
    cycle = store.cycles.all(members[0].institution_id)[0]
    assert [m.title for m in store.plans.measures(cycle.id)] == ["Begehung: Beschwerdebox für Jüngere"]
    assert not [b for b in _widgets(page, w.Button) if b.description == "In den Plan übernehmen"]
    next(b for b in _widgets(page, w.Button) if b.description == "Bericht als Word").click()
    assert 'download="Begehungsbericht_' in _page_text(page)
    outsider = person(store, "out3", "Träger 03").identity
    page = build_page("begehung", query, store, shipped_catalogs(), identity=outsider)
    text = _page_text(page)
    assert "nur für Beteiligte" in text and "Begehung bei" not in text and "Ein Kinderrat" not in text
    assert "Das dürfen bei dieser Begehung nur die Koordination des Netzwerks" in text


def test_cli_lists_inspections_and_writes_the_report_and_the_sheet(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--network", "5", "--catalog", "qmf"]) == 0
    capsys.readouterr()
    assert main(["inspection", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Schwerpunktthemen: Beteiligung, Krisen und Notfälle" in listing
    assert "durchgeführt" in listing and "geplant" in listing
    assert main(["export", "inspection-report", "--inspection", "1"]) == 0
    report = next((tmp_path / "exports").glob("Begehungsbericht_*.docx"))
    text = " ".join(p.text for p in read_docx(str(report)).paragraphs)
    assert "Nachschau" not in text and "Wir danken für den Blick von außen" in text
    sheet = tmp_path / "bogen.pdf"
    assert main(["export", "inspection-sheet", "--inspection", "2", "--out", str(sheet)]) == 0
    assert sheet.read_bytes().startswith(b"%PDF")
    assert main(["export", "inspection-report", "--inspection", "1", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "Bitte eine Zieldatei mit .docx angeben." in capsys.readouterr().err


def test_the_fristen_page_counts_a_held_inspection_and_a_dialogue_of_the_round(store):
    from qmkit.domain.timeline import build_timeline
    from qmkit.services.certification import CertificationPlan

    _network, _the_round, members, kora, inspection, _other = planned(store, days_ago=10)
    cycle = store.cycles.all(members[0].institution_id)[0]
    plan = CertificationPlan.open(store, cycle.id, shipped_catalogs())
    item = next(i for i in plan.timeline().deadlines if i.key == "frist:begehung_frist")
    assert item.done is None  # planned, not yet held
    kora.set_status(inspection.id, "durchgefuehrt")
    item = next(i for i in plan.timeline().deadlines if i.key == "frist:begehung_frist")
    assert item.done == inspection.day and item.done_note.startswith("Kollegiale Begehung vom")
    other = CertificationPlan.open(store, store.cycles.all(members[1].institution_id)[0].id, shipped_catalogs())
    assert next(i for i in other.timeline().deadlines if i.key == "frist:begehung_frist").done is None  # a peer
    # a dialogue held inside the round counts for the round's deadline, one before the round does not
    qmf = shipped_catalogs().get("qmf")
    start, end = date(2026, 1, 1), date(2028, 12, 31)
    from qmkit.domain.timeline import Certification

    cert = Certification(cycle.id, certified_on=start, valid_until=end)
    early = build_timeline(qmf, cert, {}, (), {"quality_dialogue": [date(2025, 6, 1)]})
    inside = build_timeline(qmf, cert, {}, (), {"quality_dialogue": [date(2025, 6, 1), date(2027, 3, 4)]})
    assert next(i for i in early.deadlines if i.key == "frist:qualitaetsdialog_frist").done is None
    found = next(i for i in inside.deadlines if i.key == "frist:qualitaetsdialog_frist")
    assert found.done == date(2027, 3, 4) and found.done_note == "Qualitätsdialog vom 04.03.2027 (Netzwerk)"
