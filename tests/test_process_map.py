"""The process map (issue 16 item 4): an institution's leadership, core and support processes against a catalog's
requirements, the coverage both ways, the workbook, the diagram, the page and the command line.

What a QMB checks: a refused value (empty name, unknown kind, a requirement the catalog does not have, a document of
another institution, a text too long, a name taken) gets its German message and stores nothing; a person who may
only read cannot change anything; the figures say which requirements no process serves and which processes serve
none; the workbook and the SVG hold every name as text (a name like ``=1+1`` or ``<script>`` is never run).
SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from qmkit.documents.process_svg import process_map_svg
from qmkit.errors import AccessDenied, InputError, NotFoundError
from qmkit.excel.process_map import process_map_filename, process_map_workbook
from qmkit.services.cycles import CycleService
from qmkit.services.process_map import ProcessMap
from qmkit.services.register import EvidenceRegister
from qmkit.ui.routes import start_routes
from tests.conftest import libreoffice_pdf_text, shipped_catalogs
from tests.test_networks import person

HOSTILE = "<script>alert(1)</script> & Co"
SVG = "{http://www.w3.org/2000/svg}"


def qesplus_map(store, name: str = "VHS Nord", catalog: str = "qesplus") -> ProcessMap:
    cycles = CycleService(store)
    institution = cycles.create_institution(name)
    cycle = cycles.create_cycle(institution.id, "Zertifizierung 2027", shipped_catalogs().get(catalog))
    return ProcessMap.open(store, cycle.id, shipped_catalogs())


def test_processes_are_added_changed_and_deleted_and_refusals_store_nothing(store):
    pm = qesplus_map(store)
    made = pm.add({"name": "Kurse durchführen", "kind": "kern", "owner": "Kursleitungen", "purpose": "Lernen"})
    assert (made.kind.value, made.owner, made.revision) == ("kern", "Kursleitungen", 1)
    refusals = [
        ({"name": "  ", "kind": "kern"}, "Bitte einen Namen"),
        ({"name": "Beraten", "kind": "kernig"}, "Art: „kernig“ gibt es nicht; erlaubt sind Führung, Kern"),
        ({"name": "Beraten", "kind": "kern", "purpose": "x" * 4001}, "Zweck: höchstens 4000 Zeichen"),
        ({"name": "kurse DURCHFÜHREN", "kind": "kern"}, "Einen Prozess „Kurse durchführen“ gibt es schon"),
        ({"name": "Zwei\nZeilen", "kind": "kern"}, "in einer Zeile"),
    ]
    for values, message in refusals:
        with pytest.raises(InputError, match=message):
            pm.add(values)
    assert [p.name for p in pm.processes()] == ["Kurse durchführen"]
    with pytest.raises(InputError, match="Bitte einen Namen"):
        pm.update(made.id, "name", "")
    with pytest.raises(InputError, match="Eingaben: höchstens 4000 Zeichen"):
        pm.update(made.id, "inputs", "y" * 5000)
    with pytest.raises(InputError, match="Unbekanntes Feld"):
        pm.update(made.id, "institution_id", 2)
    with pytest.raises(InputError, match=r"„L1.1“ gibt es im Katalog QESplus .* nicht – nichts wurde gespeichert"):
        pm.set_requirements(made.id, ["K1.2.1", "L1.1"])
    assert pm.process(made.id) == made  # nothing of the refused changes reached the store
    changed = pm.update(made.id, "outputs", "Teilnahmebescheinigungen\nKursberichte")
    assert changed.outputs == "Teilnahmebescheinigungen\nKursberichte" and changed.revision == 2
    linked = pm.set_requirements(made.id, ["K1.2.1", "K1.2.2", "K1.2.1"])
    assert linked.requirement_ids == ("K1.2.1", "K1.2.2")
    assert pm.set_requirements(made.id, ["K1.2.2"]).requirement_ids == ("K1.2.2",)
    # documents: only the institution's own register entries
    register = EvidenceRegister(store, pm.institution_id)
    plan = register.add_reference(title="Kursleitfaden", location="QM-Handbuch 4.2")
    other = qesplus_map(store, "Familienbildung Süd")
    foreign = EvidenceRegister(store, other.institution_id).add_reference(title="Fremdes Dokument", location="x")
    with pytest.raises(InputError, match="gehört zu einer anderen Einrichtung"):
        pm.set_documents(made.id, [plan.id, foreign.id])
    assert pm.process(made.id).document_ids == ()
    assert pm.set_documents(made.id, [plan.id]).document_ids == (plan.id,)
    assert pm.data().documents(pm.process(made.id)) == ["Kursleitfaden"]
    with pytest.raises(NotFoundError):  # another institution's process is not reachable through this map
        other.update(made.id, "name", "Gekapert")
    register.delete(plan, unlink=True)  # a register entry that goes leaves the process without it
    assert pm.process(made.id).document_ids == ()
    pm.delete(made.id)
    assert pm.processes() == []
    with pytest.raises(NotFoundError):
        pm.process(made.id)


def test_a_person_who_may_only_read_sees_the_map_but_cannot_change_it(store):
    pm = qesplus_map(store)
    made = pm.add({"name": "Auswerten", "kind": "kern"})
    reader = ProcessMap.open(
        store, pm.evaluation.cycle.id, shipped_catalogs(), person(store, "lea", "VHS Nord", "lesen")
    )
    assert [p.name for p in reader.data().processes] == ["Auswerten"] and not reader.may_edit
    for attempt in (
        lambda: reader.add({"name": "Neu", "kind": "kern"}),
        lambda: reader.update(made.id, "name", "Anders"),
        lambda: reader.set_requirements(made.id, ["K1.2.2"]),
        lambda: reader.move(made.id, 1),
        lambda: reader.delete(made.id),
    ):
        with pytest.raises(AccessDenied, match="erlaubt nicht"):
            attempt()
    assert pm.process(made.id) == made
    staff = ProcessMap.open(
        store, pm.evaluation.cycle.id, shipped_catalogs(), person(store, "mo", "VHS Nord", "mitarbeit")
    )
    assert staff.update(made.id, "owner", "QMB").owner == "QMB"
    outsider = person(store, "olaf")
    with pytest.raises(AccessDenied, match="Kein Zugang"):
        ProcessMap.open(store, pm.evaluation.cycle.id, shipped_catalogs(), outsider)


def test_coverage_counts_this_catalogs_requirements_and_keeps_links_of_another(store):
    pm = qesplus_map(store)
    lead = pm.add({"name": "Strategie", "kind": "fuehrung"})
    core = pm.add({"name": "Kurse", "kind": "kern"})
    support = pm.add({"name": "Räume", "kind": "unterstuetzung"})
    pm.set_requirements(lead.id, ["F1.1.1", "F1.1.2"])
    pm.set_requirements(core.id, ["K1.2.1", "F1.1.2"])
    # the same institution works with qm4 in another cycle: a link there is kept by the QESplus map
    qm4 = CycleService(store).create_cycle(pm.institution_id, "Gütesiegel", shipped_catalogs().get("qm4"))
    other = ProcessMap.open(store, qm4.id, shipped_catalogs())
    qm4_req = shipped_catalogs().get("qm4").requirements()[0].id
    other.set_requirements(support.id, [qm4_req])
    data = pm.data()
    total = len(shipped_catalogs().get("qesplus").requirements())
    assert (data.coverage.total, data.coverage.covered) == (total, 3)
    assert data.coverage.served_by["F1.1.2"] == (lead.id, core.id)
    assert "F2.1.1" in data.coverage.uncovered and "F1.1.1" not in data.coverage.uncovered
    assert data.coverage.idle == (support.id,)  # its qm4 link does not count here
    assert pm.foreign_links(pm.process(support.id)) == [qm4_req]
    pm.set_requirements(support.id, ["U1.2.1"])
    assert set(pm.process(support.id).requirement_ids) == {qm4_req, "U1.2.1"}
    assert other.data().coverage.idle == (lead.id, core.id)
    assert [p.name for p in data.processes] == ["Strategie", "Kurse", "Räume"]
    second = pm.add({"name": "Beraten", "kind": "kern"})
    pm.move(second.id, -1)
    assert [p.name for p in pm.data().of_kind(second.kind)] == ["Beraten", "Kurse"]


def test_two_people_adding_the_same_name_at_once_make_one_process(store):
    pm = qesplus_map(store)
    errors: list[BaseException] = []

    def add() -> None:
        try:
            pm.add({"name": "Personal", "kind": "unterstuetzung"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=add) for _i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.name for p in pm.processes()] == ["Personal"]
    assert len(errors) == 2 and all(isinstance(e, InputError) and "gibt es schon" in str(e) for e in errors)


def hostile_map(store) -> ProcessMap:
    pm = qesplus_map(store)
    first = pm.add({"name": "=1+1", "kind": "fuehrung", "owner": "@Leitung", "purpose": "-minus"})
    pm.set_requirements(first.id, ["F1.1.1"])
    second = pm.add({"name": HOSTILE, "kind": "kern", "owner": "Über & Unter"})
    pm.set_requirements(second.id, ["K1.2.1", "K1.2.2"])
    pm.add({"name": "Räume und Technik", "kind": "unterstuetzung"})
    return pm


def test_the_workbook_has_processes_matrix_and_coverage_and_keeps_text_as_text(store, tmp_path):
    data = hostile_map(store).data()
    path = tmp_path / process_map_filename(data)
    process_map_workbook(data).save(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Deckblatt", "Prozesse", "Matrix", "Abdeckung"]
    processes = wb["Prozesse"]
    assert [c.value for c in processes[1]][:3] == ["Nr.", "Art", "Prozess"]
    assert processes["C2"].value == "=1+1" and processes["C2"].data_type == "s"
    assert processes["D2"].value == "@Leitung" and processes["E2"].value == "-minus"
    assert processes["C3"].value == HOSTILE and processes["I3"].value == "K1.2.1, K1.2.2"
    assert processes["I4"].value == "keine"
    matrix = wb["Matrix"]
    heads = [c.value for c in matrix[1]]
    assert heads[3:6] == ["=1+1", HOSTILE, "Räume und Technik"] and heads[-1] == "Anzahl Prozesse"
    rows = {r[0].value: [c.value for c in r] for r in matrix.iter_rows(min_row=2)}
    assert rows["F1.1.1"][3:7] == ["✓", None, None, 1] and rows["K1.2.2"][3:7] == [None, "✓", None, 1]
    assert rows["U1.2.1"][-1] == 0 and matrix.freeze_panes == "D2"
    coverage = [c.value for row in wb["Abdeckung"].iter_rows() for c in row if c.value is not None]
    assert "Anforderungen, die kein Prozess bedient" in coverage and "F2.1.1" in coverage
    assert "Prozesse, die keine Anforderung bedienen" in coverage and "Räume und Technik" in coverage
    assert (
        wb["Matrix"].page_setup.orientation == "landscape" and "Seite &P von &N" in wb["Matrix"].oddFooter.center.text
    )
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Prozesslandkarte" in text and "Räume und Technik" in text and "Über & Unter" in text
    assert "=1+1" in text and "<script>alert(1)</script>" in text and pages >= 4


def test_the_svg_draws_three_lanes_and_every_name_stays_text(store):
    data = hostile_map(store).data()
    svg = process_map_svg(data)
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.tag == f"{SVG}svg"
    assert [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}image", f"{SVG}foreignObject")] == []
    lanes = [g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "qm-lane"]
    assert lanes == ["lane-fuehrung", "lane-kern", "lane-unterstuetzung"]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert {"=1+1", HOSTILE, "Räume und Technik"} <= set(titles)
    assert len(list(root.iter(f"{SVG}polygon"))) == 1  # the core process is a chevron
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg and "<script" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "@import" not in svg
    dashed = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 1  # Räume und Technik serves no requirement
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Führungsprozesse" in texts and "Kernprozesse" in texts and "Unterstützungsprozesse" in texts


def test_only_catalogs_that_ask_for_it_link_the_page():
    catalogs = shipped_catalogs()
    assert catalogs.get("qesplus").process_map and not catalogs.get("qm4").process_map
    assert "prozesse" in [r.name for r in start_routes(catalogs.get("qesplus"))]
    assert "prozesse" not in [r.name for r in start_routes(catalogs.get("qm4"))]
    assert "prozesse" in [r.name for r in start_routes()]


def _widgets(widget, kind):
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += _widgets(child, kind)
    return found


def _page_text(widget) -> str:
    import ipywidgets as w

    return " ".join(h.value for h in _widgets(widget, w.HTML))


def _button(page, label):
    import ipywidgets as w

    return next(b for b in _widgets(page, w.Button) if b.description == label)


def test_the_page_adds_edits_links_and_deletes_processes_like_a_user(store, tmp_path, monkeypatch):
    import ipywidgets as w

    from qmkit.domain.access import LOCAL
    from qmkit.ui.app import build_page

    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    pm = qesplus_map(store)
    EvidenceRegister(store, pm.institution_id).add_reference(title="Leitbild 2026", location="Ordner 1")
    page = build_page("prozesse", {"zyklus": str(pm.evaluation.cycle.id)}, store, shipped_catalogs(), identity=LOCAL)
    text = _page_text(page)
    assert "Prozesslandkarte" in text and "Noch keine Prozesse" in text and "verlangt keine" not in text
    form = {t.description: t for t in _widgets(page, w.Text) if t.description}
    form["Name"].value = "   "
    _button(page, "Prozess anlegen").click()
    assert "Bitte einen Namen für den Prozess eingeben" in _page_text(page) and pm.processes() == []
    form["Name"].value = "<b>Strategie</b> & Leitbild"
    next(d for d in _widgets(page, w.Dropdown) if d.description == "Art").value = "fuehrung"
    form["Verantwortlich"].value = "Leitung"
    _button(page, "Prozess anlegen").click()
    made = pm.processes()[0]
    assert (made.name, made.kind.value, made.owner) == ("<b>Strategie</b> & Leitbild", "fuehrung", "Leitung")
    text = _page_text(page)
    assert "&lt;b&gt;Strategie&lt;/b&gt; &amp; Leitbild" in text and "<b>Strategie</b>" not in text
    assert "0 von 14 Anforderungen" in text and "Prozesse ohne Anforderung (1)" in text
    # the editor shows the new process; a refused value keeps the store as it was
    purpose = next(t for t in _widgets(page, w.Textarea) if t.placeholder == "Wozu gibt es den Prozess?")
    purpose.value = "z" * 4001
    assert "Zweck: höchstens 4000 Zeichen" in _page_text(page) and pm.process(made.id).purpose == ""
    purpose.value = "Richtung geben"
    assert pm.process(made.id).purpose == "Richtung geben" and "✓ gespeichert" in _page_text(page)
    lists = [s for s in _widgets(page, w.SelectMultiple) if s.options and "–" in s.options[0][0]]

    def list_of(req_id):  # the requirement list of the area that holds req_id
        return next(s for s in lists if req_id in [v for _l, v in s.options])

    list_of("F1.1.1").value = ("F1.1.1", "F1.1.2")
    assert pm.process(made.id).requirement_ids == ("F1.1.1", "F1.1.2")
    text = _page_text(page)
    assert "2 von 14 Anforderungen" in text and "Prozesse ohne Anforderung (0)" in text
    assert "<td class='qm-tick'>✓</td>" in text and "data:image/svg+xml;base64," in text
    list_of("K1.2.1").value = ("K1.2.1",)
    assert set(pm.process(made.id).requirement_ids) == {"F1.1.1", "F1.1.2", "K1.2.1"}
    documents = next(s for s in _widgets(page, w.SelectMultiple) if s.options and s.options[0][0] == "Leitbild 2026")
    documents.value = (documents.options[0][1],)
    assert len(pm.process(made.id).document_ids) == 1
    _button(page, "Prozesslandkarte als Excel").click()
    assert 'download="Prozesslandkarte_VHS_Nord_' in _page_text(page)
    _button(page, "Landkarte als SVG").click()
    assert ".svg" in _page_text(page) and "data:image/svg+xml;base64," in _page_text(page)
    _button(page, "Prozess löschen").click()
    assert "Bitte zuerst „Ja, diesen Prozess löschen“ ankreuzen." in _page_text(page) and pm.processes()
    next(c for c in _widgets(page, w.Checkbox) if c.description == "Ja, diesen Prozess löschen").value = True
    _button(page, "Prozess löschen").click()
    assert pm.processes() == [] and "gelöscht" in _page_text(page)


def test_the_page_for_a_reader_and_for_a_catalog_without_a_map(store):
    import ipywidgets as w

    from qmkit.domain.access import LOCAL
    from qmkit.ui.app import build_page

    pm = qesplus_map(store)
    pm.add({"name": "Personal", "kind": "unterstuetzung"})
    reader = person(store, "lea", "VHS Nord", "lesen").identity
    page = build_page("prozesse", {"zyklus": str(pm.evaluation.cycle.id)}, store, shipped_catalogs(), identity=reader)
    assert "erlaubt hier nur das Lesen" in _page_text(page)
    assert _button(page, "Prozess anlegen").disabled
    assert all(s.disabled for s in _widgets(page, w.SelectMultiple))
    # a browser can set any widget value, disabled or not: the service refuses
    next(c for c in _widgets(page, w.Checkbox) if c.description == "Ja, diesen Prozess löschen").value = True
    _button(page, "Prozess löschen").click()
    assert "Ihre Rolle in dieser Einrichtung erlaubt nicht" in _page_text(page)
    assert [p.name for p in pm.processes()] == ["Personal"]
    qm4 = qesplus_map(store, "Kita Ost", "qm4")
    page = build_page("prozesse", {"zyklus": str(qm4.evaluation.cycle.id)}, store, shipped_catalogs(), identity=LOCAL)
    assert "verlangt keine Prozesslandkarte. Sie können sie trotzdem nutzen." in _page_text(page)
    assert not _button(page, "Prozess anlegen").disabled


def test_cli_exports_the_demo_map_as_workbook_and_svg(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--catalog", "qesplus"]) == 0
    capsys.readouterr()
    assert main(["export", "process-map", "--out", str(tmp_path / "karte.xlsx")]) == 0
    assert "8 Prozesse" in capsys.readouterr().out
    wb = load_workbook(tmp_path / "karte.xlsx")
    names = [r[2].value for r in wb["Prozesse"].iter_rows(min_row=2)]
    assert names[:2] == ["Strategie und Leitbild", "Bedarfe erheben"] and "Finanzen" in names
    assert [c.value for c in wb["Matrix"][1]][3:7] == names[:4]
    assert main(["export", "process-map", "--institution", "Demo-Einrichtung", "--out", str(tmp_path / "k.svg")]) == 0
    root = ET.parse(tmp_path / "k.svg").getroot()
    assert "Kurse durchführen" in [t.text for t in root.iter(f"{SVG}title")]
    assert main(["export", "process-map", "--out", str(tmp_path / "karte.pdf")]) == 1
    assert "mit .xlsx oder .svg" in capsys.readouterr().err


def test_the_qesplus_demo_has_processes_with_gaps_on_both_sides(store):
    from qmkit.services.demo import create_demo

    cycle, _created = create_demo(store, shipped_catalogs().get("qesplus"))
    data = ProcessMap.open(store, cycle.id, shipped_catalogs()).data()
    assert [p.name for p in data.of_kind(data.processes[0].kind)] == ["Strategie und Leitbild"]
    kern = [p.name for p in data.processes if p.kind.value == "kern"]
    assert kern == ["Bedarfe erheben", "Angebote planen", "Kurse durchführen", "Auswerten"]
    assert 0 < data.coverage.covered < data.coverage.total and data.coverage.uncovered
    assert any(data.documents(p) for p in data.processes)
    qm4_cycle, _c = create_demo(store, shipped_catalogs().get("qm4"))
    assert ProcessMap.open(store, qm4_cycle.id, shipped_catalogs()).data().processes == data.processes
