"""Offers against needs from the command line, in the workbook, in the Word report and in the demo municipality
(issue 17): a table imported with a column mapping, the analysis exported as .xlsx (native charts, names as text,
through LibreOffice), as .docx (read back: the districts ranked with the analysis' figures, names as text, printed by
LibreOffice) and as .csv, the Selbstreport's chapter for DKBM, and `qmkit demo --catalog dkbm` giving a newcomer ten
districts, six years, a dozen indicators and 300 offers whose analysis tells a story.
"""

from __future__ import annotations

import pandas as pd
import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook

from qmkit.documents.offers_report import offers_report_document
from qmkit.documents.word import save_document
from qmkit.domain.offers import needs_frame, offers_frame
from qmkit.domain.offers_analysis import AnalysisReport, Filters, analyse
from qmkit.excel.offers_analysis import LEVEL_FILLS, analysis_filename, analysis_workbook
from qmkit.services.demo_offers import demo_needs, demo_offers
from tests.conftest import libreoffice_pdf_text
from tests.test_offers import generated


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return tmp_path


def test_cli_imports_with_a_mapping_and_exports_the_analysis(capsys, cli_env):
    from qmkit.cli import main

    tmp_path = cli_env
    assert main(["demo", "--catalog", "dkbm"]) == 0
    capsys.readouterr()
    needs_rows, offers_rows = generated()
    renamed = [["Stadtteil", "Jahr", "Zielgruppe", "Indikator", "Anzahl"], *needs_rows[1:]]
    needs = tmp_path / "monitoring.csv"
    needs.write_text("\n".join(";".join(r) for r in renamed), encoding="utf-8-sig")
    mapping = tmp_path / "zuordnung.yaml"
    mapping.write_text("Sozialraum: Stadtteil\nvalue: Anzahl\n", encoding="utf-8")
    assert main(["data", "import", "--kind", "needs", str(needs)]) == 1
    assert "Es fehlen die Spalten „Sozialraum“, „Wert“" in capsys.readouterr().err
    assert main(["data", "import", "--kind", "needs", str(needs), "--mapping", str(mapping)]) == 0
    assert "Bedarfsdaten gespeichert: „monitoring.csv“" in capsys.readouterr().out
    offers = tmp_path / "angebote.csv"
    offers.write_text("\n".join(";".join(r) for r in offers_rows), encoding="utf-8")
    assert main(["data", "import", "--kind", "offers", str(offers)]) == 0
    printed = capsys.readouterr().out
    assert "Angebotsverzeichnis gespeichert" in printed and "Hinweis: " in printed and "Neustadt-Nord" in printed
    out = tmp_path / "analyse.xlsx"
    assert main(["export", "analysis", "--out", str(out), "--group", "6–10"]) == 0
    printed = capsys.readouterr().out
    assert "8 Sozialräume, Jahr 2025" in printed
    wb = load_workbook(out)
    assert wb.sheetnames == ["Deckblatt", "Passung", "Verlauf", "Angebotsarten", "Alle Werte", "Nicht gezählt"]
    expected = analyse(needs_frame(needs_rows), offers_frame(offers_rows)).found.table
    assert wb["Alle Werte"].max_row == len(expected) + 1
    cover = {r[0].value: r[1].value for r in wb["Deckblatt"].iter_rows(min_row=3, max_row=11)}
    assert "monitoring.csv" in cover["Bedarfsdaten"] and "Zielgruppe: 6–10" in cover["Auswahl"]
    assert len(wb["Passung"]._charts) == 1 and len(wb["Verlauf"]._charts) == 1
    unknown = {r[3].value for r in wb["Nicht gezählt"].iter_rows(min_row=2)}
    assert unknown == {"Neustadt-Nord"}
    csv_out = tmp_path / "analyse.csv"
    assert main(["export", "analysis", "--out", str(csv_out)]) == 0
    assert len(csv_out.read_text(encoding="utf-8").splitlines()) == len(expected) + 1
    assert main(["export", "analysis", "--out", str(tmp_path / "analyse.pdf")]) == 1
    assert "mit .xlsx, .docx oder .csv" in capsys.readouterr().err
    bad = tmp_path / "kaputt.yaml"
    bad.write_text("- nur\n- eine Liste\n", encoding="utf-8")
    assert main(["data", "import", "--kind", "needs", str(needs), "--mapping", str(bad)]) == 1
    assert "Feld: Überschrift" in capsys.readouterr().err


def test_workbook_holds_names_as_text_and_prints(tmp_path):
    needs_rows, offers_rows = generated()
    for row in needs_rows[1:]:
        row[0] = row[0].replace("Sozialraum 1", "=1+1")
    for row in offers_rows[1:]:
        row[3] = row[3].replace("Sozialraum 1", "=1+1")
    found = analyse(needs_frame(needs_rows), offers_frame(offers_rows))
    report = AnalysisReport("Stadt @Muster", "Zyklus 2026", "DKBM", "„b.csv“", "„a.csv“", found)
    path = tmp_path / analysis_filename(report)
    analysis_workbook(report).save(path)
    assert path.name.startswith("Angebote_Bedarfe_Stadt_Muster_")
    wb = load_workbook(path)
    cells = [c for row in wb["Passung"].iter_rows(min_row=2) for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
    passung = {r[1].value: r for r in wb["Passung"].iter_rows(min_row=2, max_row=9)}
    fits = {f.district: f for f in found.districts}
    for district, row in passung.items():
        assert row[0].value == fits[district].rank and row[7].value == fits[district].text
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Angebote und Bedarfe" in text and "=1+1" in text and "Unterversorgt" in text and pages >= 5


def test_the_demo_municipality_tells_its_story(capsys, cli_env):
    from qmkit.cli import main
    from qmkit.services.cycles import CycleService
    from qmkit.services.offers_data import OffersNeeds
    from qmkit.store import Store
    from tests.conftest import shipped_catalogs

    assert demo_needs() == demo_needs() and demo_offers() == demo_offers()  # the same on every run
    assert main(["demo", "--catalog", "dkbm"]) == 0
    store = Store()
    cycle = CycleService(store).latest()
    data = OffersNeeds.open(store, cycle.id, shipped_catalogs())
    needs, offers = data.frames()
    assert needs["district"].nunique() == 10 and needs["year"].nunique() == 6
    assert needs["indicator"].nunique() == 12 and offers["name"].nunique() == 300
    found = data.analysis()
    assert found is not None and found.year == 2025 and found.indicator == "SGB-II-Quote (%)"
    top = [f.district for f in found.districts[:2]]
    assert set(top) == {"Nordstadt", "Bahnhofsviertel"} and all(f.level == "kritisch" for f in found.districts[:2])
    assert found.districts[-1].district in {"Schlossberg", "Gartenstadt"} and found.districts[-1].level == "ueber"
    heide = found.trend.loc["Neue Heide"]
    assert heide[2025] < heide[2023]  # the new housing area grows faster than its offers
    # the supply per 1,000 against an independent group-by of the demo's own tables
    raw_needs = pd.DataFrame(demo_needs()[1:], columns=demo_needs()[0])
    raw_offers = pd.DataFrame(demo_offers()[1:], columns=demo_offers()[0])
    pop = raw_needs[(raw_needs["Indikator"] == "Bevölkerung") & (raw_needs["Jahr"] == "2025")]
    pop = pop.assign(W=pop["Wert"].astype(float)).groupby("Sozialraum")["W"].sum()
    places = raw_offers[raw_offers["Jahr"] == "2025"].assign(P=lambda f: f["Plätze"].astype(float))
    places = places.groupby("Sozialraum")["P"].sum()
    for fit in found.districts:
        assert fit.per_1000 == pytest.approx(places[fit.district] / pop[fit.district] * 1000)
    assert main(["demo", "--catalog", "dkbm"]) == 0  # a second run loads nothing twice
    assert len(data.loads()) == 2
    store.close()


SCRIPT = "<script>alert(1)</script>"


def hostile_tables():
    """The generated tables with two districts named like a formula and like markup."""
    needs_rows, offers_rows = generated()
    names = {"Sozialraum 1": "=1+1", "Sozialraum 2": SCRIPT}
    for rows, col in ((needs_rows, 0), (offers_rows, 3)):
        for row in rows[1:]:
            row[col] = names.get(row[col], row[col])
    return needs_rows, offers_rows


def german(text: str) -> float:
    """A number as the report prints it (1.234,5) read back."""
    return float(text.replace(".", "").replace(",", "."))


def tables_headed(doc, first: str) -> list:
    return [t for t in doc.tables if t.rows and t.rows[0].cells[0].text == first]


def fill(cell) -> str:
    shading = cell._tc.tcPr.find(qn("w:shd"))
    return "" if shading is None else shading.get(qn("w:fill"))


def test_the_word_report_ranks_the_districts_with_the_analysis_figures_and_prints(tmp_path):
    needs_rows, offers_rows = hostile_tables()
    found = analyse(needs_frame(needs_rows), offers_frame(offers_rows), Filters(group="6–10"))
    sources = ("„bedarfe.csv“ vom 01.12.2026", "„angebote.csv“ vom 01.12.2026")
    report = AnalysisReport("Stadt <b>Muster</b>", "Zyklus 2026", "DKBM", *sources, found)
    path = save_document(offers_report_document(report), tmp_path / analysis_filename(report, ".docx"))
    assert path.name.startswith("Angebote_Bedarfe_Stadt_b_Muster_b_") and path.suffix == ".docx"
    doc = read_docx(str(path))
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape
    title = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert title["Bedarfsdaten"] == sources[0] and title["Angebotsverzeichnis"] == sources[1]
    assert title["Auswahl"] == "Jahr 2025; Zielgruppe: 6–10; Angebotsarten: alle; gezählt: Plätze"
    # the Passung: ranked as the analysis, its figures, shaded like the workbook
    (fit,) = tables_headed(doc, "Rang")
    rows = [[c.text for c in r.cells] for r in fit.rows[1:]]
    assert [r[1] for r in rows] == [f.district for f in found.districts]
    assert {"=1+1", SCRIPT} <= {r[1] for r in rows}
    for row, f, cells in zip(rows, found.districts, fit.rows[1:], strict=True):
        assert int(row[0]) == f.rank and german(row[2]) == f.population and german(row[3]) == f.supply
        if f.per_1000 is None:
            assert row[4] == "keine Bevölkerung" and row[7] == "keine Bevölkerung – keine Quote"
        else:
            assert german(row[4]) == pytest.approx(f.per_1000, abs=0.05) and row[7] == f.text
        assert german(row[5]) == pytest.approx(f.need, abs=0.05)
        assert (row[6] == "–") if not f.gap else german(row[6]) == pytest.approx(f.gap, abs=0.5)
        if f.level in LEVEL_FILLS:
            assert fill(cells.cells[7]) == LEVEL_FILLS[f.level].fgColor.rgb[-6:]
    zero = next(r for r in rows if r[1] == "Sozialraum 3")  # no children of 6–10 there in 2025
    assert zero[2] == "0" and zero[4] == "keine Bevölkerung"
    # the bars: one per district in the same order, as long as its supply per 1,000
    chart = next(t for t in doc.tables if len(t.columns) > 40)
    top = max(f.per_1000 or 0 for f in found.districts)
    for row, f in zip(chart.rows, found.districts, strict=True):
        assert row.cells[0].text == f.district
        assert sum(1 for c in row.cells[1:-1] if fill(c)) == round(50 * (f.per_1000 or 0) / top)
    # the years with their total, the offer kinds, the offers not counted
    trend = tables_headed(doc, "Sozialraum")[-1]
    assert [c.text for c in trend.rows[0].cells] == ["Sozialraum", "2024", "2025", "± seit 2024"]
    total = [c.text for c in trend.rows[-1].cells]
    assert total[0] == "Gesamt" and german(total[1]) == pytest.approx(found.trend.loc["Gesamt", 2024], abs=0.05)
    change = found.trend.loc["Gesamt", 2025] - found.trend.loc["Gesamt", 2024]
    assert german(total[3]) == pytest.approx(change, abs=0.05) and total[3][0] == ("+" if change > 0 else "-")
    kinds = tables_headed(doc, "Sozialraum")[0]
    assert [c.text for c in kinds.rows[0].cells] == ["Sozialraum", "Beratung", "Kurs", "Treff"]
    script_row = next(r for r in kinds.rows if r.cells[0].text == SCRIPT)
    assert german(script_row.cells[2].text) == pytest.approx(found.by_kind.loc[SCRIPT, "Kurs"], abs=0.05)
    (unknown,) = tables_headed(doc, "Angebot")
    assert {r.cells[3].text for r in unknown.rows[1:]} == {"Neustadt-Nord"}
    assert len(unknown.rows) - 1 == len(found.unknown)
    # printed
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert 5 <= pages <= 8 and "Seite 1 von" in text and "Stadt <b>Muster</b>" in text
    assert "=1+1" in text and SCRIPT in text and "keine Bevölkerung" in text
    passung = text[text.index("Passung je Sozialraum (2025)") : text.index("im Vergleich")]
    at = [passung.index(f.district) for f in found.districts]
    assert at == sorted(at)  # the ranked order on paper


def test_the_demo_report_and_the_selfreport_chapter_from_the_command_line(capsys, cli_env):
    from qmkit.cli import main

    assert main(["demo", "--catalog", "dkbm"]) == 0
    out = cli_env / "bericht.docx"
    assert main(["export", "analysis", "--out", str(out)]) == 0
    assert "10 Sozialräume, Jahr 2025" in capsys.readouterr().out
    doc = read_docx(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Auf einen Blick", "So sind die Zahlen berechnet", "Passung je Sozialraum (2025)"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Vorrangig nachsteuern: Nordstadt, Bahnhofsviertel." in text
    assert "Jedes Angebot liegt in einem Sozialraum der Bedarfsdaten" in text
    assert "Nicht gezählte Angebote" not in headings  # none in the demo
    (fit,) = tables_headed(doc, "Rang")
    assert [r.cells[1].text for r in fit.rows[1:3]] == ["Nordstadt", "Bahnhofsviertel"]
    selfreport = cli_env / "selbstreport.docx"
    assert main(["export", "selfreport", "--out", str(selfreport)]) == 0
    doc = read_docx(str(selfreport))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    contents = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert "Angebote und Bedarfe" in headings and "Angebote und Bedarfe" in contents
    (chapter,) = tables_headed(doc, "Rang")
    assert [c.text for c in chapter.rows[0].cells][2:4] == ["Plätze je 1.000", "SGB-II-Quote (%)"]
    assert [r.cells[1].text for r in chapter.rows[1:3]] == ["Nordstadt", "Bahnhofsviertel"]
    assert len(chapter.rows) == 11  # the heading and the ten districts


def test_the_selfreport_has_no_offers_chapter_without_needs_data(store):
    from qmkit.services.cycles import CycleService
    from qmkit.services.written import WrittenWork
    from tests.conftest import shipped_catalogs

    cycles = CycleService(store)
    inst = cycles.create_institution("Stadt Ohne Daten")
    cycle = cycles.create_cycle(inst.id, "Zyklus 2026", shipped_catalogs().get("dkbm"))
    assert WrittenWork(store, shipped_catalogs()).self_report(cycle.id).offers is None
