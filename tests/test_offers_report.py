"""Offers against needs from the command line, in the workbook and in the demo municipality (issue 17): a table
imported with a column mapping, the analysis exported as .xlsx (native charts, names as text, through LibreOffice)
and as .csv, and `qmkit demo --catalog dkbm` giving a newcomer ten districts, six years, a dozen indicators and 300
offers whose analysis tells a story.
"""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from qmkit.domain.offers import needs_frame, offers_frame
from qmkit.domain.offers_analysis import AnalysisReport, analyse
from qmkit.excel.offers_analysis import analysis_filename, analysis_workbook
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
    assert "mit .xlsx oder .csv" in capsys.readouterr().err
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
