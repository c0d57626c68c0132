"""The Angebote-und-Bedarfe page driven like a QMB: a table with other headings uploaded, its columns matched, the
refusal read and nothing stored, the mapping remembered for the next file, the analysis filtered, an older data
version chosen for the cycle, the workbook and the Word report downloaded; linked from the start page only for DKBM."""

from __future__ import annotations

import html
import re

from docx import Document as read_docx
from openpyxl import load_workbook

from qmkit.services.cycles import CycleService
from qmkit.services.offers_data import OffersNeeds
from qmkit.ui.app import build_page
from qmkit.ui.pages.offers_needs import OffersNeedsPage
from qmkit.ui.routes import start_routes
from tests.conftest import shipped_catalogs
from tests.test_networks import person
from tests.test_offers import generated


def text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def send(page: OffersNeedsPage, name: str, rows: list[list[str]]) -> None:
    content = "\r\n".join(";".join(r) for r in rows).encode("utf-8-sig")
    upload = page.upload.upload
    upload.receive({"kind": "start", "name": name, "size": len(content)})
    upload.receive({"kind": "chunk", "offset": 0}, [memoryview(content)])
    upload.receive({"kind": "end"})


def dkbm_page(store, catalog: str = "dkbm") -> OffersNeedsPage:
    cycles = CycleService(store)
    inst = cycles.create_institution("Stadt Musterstadt")
    cycle = cycles.create_cycle(inst.id, "Zyklus 2026", shipped_catalogs().get(catalog))
    return OffersNeedsPage(OffersNeeds.open(store, cycle.id, shipped_catalogs()))


def test_a_qmb_loads_both_tables_through_the_page_and_reads_the_analysis(store, tmp_path, monkeypatch):
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    page = dkbm_page(store)
    assert "Noch keine Bedarfsdaten" in text(page.explain.value)
    needs_rows, offers_rows = generated()
    renamed = [["Stadtteil", "Jahr", "Zielgruppe", "Indikator", "Wert"], *needs_rows[1:]]
    send(page, "monitoring.csv", renamed)
    assert "Stadtteil" in text(page.upload.preview.value) and "96 Zeilen insgesamt" in text(page.upload.preview.value)
    choices = page.upload.dropdowns
    assert choices["district"].value == "" and choices["year"].value == "Jahr"  # documented headings found
    page.upload.save.click()
    message = text(page.upload.feedback.widget.value)
    assert "Es fehlen die Spalten „Sozialraum“" in message and page.service.loads() == []
    choices["district"].value = "Stadtteil"
    page.upload.save.click()
    assert "Gespeichert: Bedarfsdaten „monitoring.csv“" in text(page.upload.feedback.widget.value)
    assert "monitoring.csv" in text(page.loads.value) and "Sozialraum 8" in text(page.fit.value)
    # offers: a wrong row is named, nothing stored; corrected, the unknown district is said
    page.upload.kind.value = "offers"
    broken = [row[:] for row in offers_rows]
    broken[2][5] = "-4"
    send(page, "angebote.csv", broken)
    page.upload.save.click()
    assert "Zeile 3: Plätze darf nicht negativ sein" in text(page.upload.feedback.widget.value)
    assert len(page.service.loads("offers")) == 0
    send(page, "angebote.csv", offers_rows)
    page.upload.save.click()
    saved = text(page.upload.feedback.widget.value)
    assert "Gespeichert: Angebotsverzeichnis" in saved and "Neustadt-Nord" in saved
    assert "Nicht gezählt:" in text(page.explain.value)
    # the mapping is remembered for the next needs file
    page.upload.kind.value = "needs"
    send(page, "monitoring_2.csv", renamed)
    assert page.upload.dropdowns["district"].value == "Stadtteil"
    page.upload.save.click()
    assert len(page.service.loads("needs")) == 2
    # filters: the ranking follows the chosen group, year and kinds, as the service computes it
    page.group.value = "6–10"
    page.year.value = 2024
    page.kinds.value = ("Kurs",)
    found = page.service.analysis(page.filters())
    assert found is not None and found.filters.group == "6–10"
    rows = re.findall(r"<tr><td>(\d+)</td><td><b>([^<]+)</b>", page.fit.value)
    assert [(int(r), d) for r, d in rows] == [(f.rank, f.district) for f in found.districts]
    assert "Kurs" in text(page.heat.value) and "Treff" not in text(page.heat.value)
    assert page.trend.value.startswith("<img id='qm-trend'")
    # the cycle keeps the older needs version when chosen
    older = page.service.loads("needs")[-1]
    page.choices["needs"].value = older.id
    assert page.service.kept("needs") == older.id and page.service.current("needs") == older
    page.choices["needs"].value = ""
    assert page.service.kept("needs") is None
    # the workbook
    page.excel()
    assert "qm-download-analysis" in page.link.value
    files = list((tmp_path / "exports").glob("Angebote_Bedarfe_*.xlsx"))
    assert len(files) == 1 and "Passung" in load_workbook(files[0]).sheetnames
    # the Word report beside it, for the same selection
    page.word()
    assert "qm-download-analysis-word" in page.word_link.value and "qm-download-analysis" in page.link.value
    files = list((tmp_path / "exports").glob("Angebote_Bedarfe_*.docx"))
    title = {r.cells[0].text: r.cells[1].text for r in read_docx(str(files[0])).tables[0].rows}
    assert len(files) == 1 and "Zielgruppe: 6–10" in title["Auswahl"] and "Kurs" in title["Auswahl"]
    page.group.value = ""
    assert page.word_link.value == ""  # a changed selection takes the old report away


def test_reader_sees_the_analysis_without_the_upload_and_the_start_page_links_it_for_dkbm(store):
    page = dkbm_page(store)
    needs_rows, _offers = generated()
    page.service.load("needs", needs_rows, "b.csv")
    reader = OffersNeeds.open(
        store, page.service.cycle_id, shipped_catalogs(), person(store, "lea", "Stadt Musterstadt", "lesen")
    )
    seen = OffersNeedsPage(reader)
    assert "nur das Lesen" in text(seen.upload.widget.children[1].value)
    assert seen.choices["needs"].disabled and "Sozialraum 1" in text(seen.fit.value)
    catalogs = shipped_catalogs()
    assert "daten" in [r.name for r in start_routes(catalogs.get("dkbm"))]
    assert "daten" not in [r.name for r in start_routes(catalogs.get("qm4"))]
    widget = build_page("daten", {"zyklus": str(page.service.cycle_id)}, store, catalogs)
    assert "Angebote und Bedarfe" in widget.children[1].value


def test_opened_by_address_for_another_model_the_page_says_so_and_works(store):
    page = dkbm_page(store, "qm4")
    assert "sieht diese Seite nicht vor" in text(page.widget.children[2].value)
    needs_rows, _offers = generated()
    page.upload.kind.value = "needs"
    send(page, "bedarfe.csv", needs_rows)
    page.upload.save.click()
    assert "Gespeichert: Bedarfsdaten" in text(page.upload.feedback.widget.value)
    assert "Sozialraum 8" in text(page.fit.value)


def test_a_load_read_in_by_mistake_is_deleted_unless_another_cycle_keeps_it(store):
    page = dkbm_page(store)
    needs_rows, _offers = generated()
    kept, _hints = page.service.load("needs", needs_rows, "richtig.csv")
    cycles = CycleService(store)
    later = cycles.create_cycle(page.service.institution_id, "Zyklus 2027", shipped_catalogs().get("dkbm"))
    other = OffersNeedsPage(OffersNeeds.open(store, later.id, shipped_catalogs()))
    wrong, _hints = other.service.load("needs", needs_rows, "falsch.csv")
    other.refresh()
    other.remove.value = wrong.id
    other.remove_button.click()
    assert "ankreuzen" in text(other.feedback.widget.value) and len(other.service.loads()) == 2
    other.remove_sure.value = True
    other.remove_button.click()
    assert "Gelöscht: Bedarfsdaten „falsch.csv“" in text(other.feedback.widget.value)
    assert other.service.current("needs") == kept and "falsch.csv" not in text(other.loads.value)
    other.remove.value = kept.id  # the first cycle keeps it: refused, still there
    other.remove_sure.value = True
    other.remove_button.click()
    assert "nutzt der Zyklus „Zyklus 2026“" in text(other.feedback.widget.value)
    assert page.service.current("needs") == kept
