"""Offers against needs (issue 17, first step): the education office's tables read as German Excel writes them,
checked whole, and the supply per 1,000 of the target population – tested against an independent pandas group-by
on generated data, with districts without offers, offers in unknown districts and a population of zero.
"""

from __future__ import annotations

import io
import random

import pandas as pd
import pytest
from openpyxl import Workbook

from qmkit.documents.analysis_csv import analysis_csv
from qmkit.documents.table_files import MAX_ROWS, read_table
from qmkit.domain.offers import coverage, needs_frame, number, offers_frame
from qmkit.errors import InputError

NEEDS_HEAD = ["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"]
OFFERS_HEAD = ["Angebot", "Träger", "Art", "Sozialraum", "Zielgruppe", "Plätze", "Teilnehmende", "Jahr"]


def generated(seed: int = 7):
    rng = random.Random(seed)
    districts = [f"Sozialraum {i}" for i in range(1, 9)]
    groups = ["6–10", "11–16", "Erwachsene"]
    needs = [NEEDS_HEAD]
    for d in districts:
        for year in (2024, 2025):
            for g in groups:
                population = 0 if (d, g, year) == ("Sozialraum 3", "6–10", 2025) else rng.randint(200, 4000)
                needs.append([d, str(year), g, "Bevölkerung", str(population)])
                needs.append([d, str(year), g, "Sprachförderbedarf", f"{rng.uniform(0, 40):.1f}".replace(".", ",")])
    offers = [OFFERS_HEAD]
    for n in range(300):
        d = rng.choice([*districts[:-1], "Neustadt-Nord"])  # the last district has no offers; one is unknown
        offers.append(
            [
                f"Angebot {n}",
                f"Träger {n % 17}",
                rng.choice(["Kurs", "Beratung", "Treff"]),
                d,
                rng.choice(groups),
                str(rng.randint(0, 30)),
                str(rng.randint(0, 30)),
                str(rng.choice([2024, 2025])),
            ]
        )
    return needs, offers


def independent(needs_rows, offers_rows) -> pd.DataFrame:
    needs = pd.DataFrame(needs_rows[1:], columns=needs_rows[0])
    offers = pd.DataFrame(offers_rows[1:], columns=offers_rows[0])
    pop = needs[needs["Indikator"] == "Bevölkerung"].assign(Wert=lambda f: f["Wert"].astype(float))
    pop = pop.groupby(["Sozialraum", "Zielgruppe", "Jahr"])["Wert"].sum()
    offers = offers[offers["Sozialraum"].isin(set(needs["Sozialraum"]))]
    offers = offers.assign(Plätze=offers["Plätze"].astype(float))
    places = offers.groupby(["Sozialraum", "Zielgruppe", "Jahr"])["Plätze"].sum()
    both = pd.concat([pop, places], axis=1).fillna({"Plätze": 0.0})
    both["je_1000"] = both["Plätze"] / both["Wert"].where(both["Wert"] > 0) * 1000
    return both


def test_supply_per_1000_equals_an_independent_group_by():
    needs_rows, offers_rows = generated()
    found = coverage(needs_frame(needs_rows), offers_frame(offers_rows))
    expected = independent(needs_rows, offers_rows)
    table = found.table.set_index(["district", "group", "year"])
    assert len(table) == len(expected) == 8 * 3 * 2
    for (district, group, year), row in expected.iterrows():
        mine = table.loc[(district, group, int(year))]
        assert mine["places"] == row["Plätze"]
        if pd.isna(row["je_1000"]):
            assert pd.isna(mine["places_per_1000"])  # population 0: no figure, no division error
        else:
            assert mine["places_per_1000"] == pytest.approx(row["je_1000"])
    assert (table.loc["Sozialraum 8"]["places"] == 0).all()  # no offers: zero, not missing
    assert set(found.unknown["district"]) == {"Neustadt-Nord"} and len(found.unknown) > 0
    text = analysis_csv(found)
    zero = next(line for line in text.splitlines() if line.startswith("Sozialraum 3,6–10,2025"))
    assert zero.split(",")[3] == "0" and zero.split(",")[6] == ""


def test_german_csv_with_bom_semicolons_and_decimal_commas_reads_like_the_xlsx():
    csv_text = "\ufeffSozialraum;Jahr;Zielgruppe;Indikator;Wert\r\nMitte;2025;6–10;Bevölkerung;1.234\r\n"
    csv_text += "Mitte;2025;6–10;Quote;12,5\r\n"
    rows = read_table(csv_text.encode("utf-8"), "bedarfe.csv")
    frame = needs_frame(rows)
    assert list(frame["value"]) == [1234.0, 12.5] and rows[0][0] == "Sozialraum"
    wb = Workbook()
    for row in [NEEDS_HEAD, ["Mitte", 2025, "6–10", "Bevölkerung", 1234], ["Mitte", 2025, "6–10", "Quote", 12.5]]:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert needs_frame(read_table(buffer.getvalue(), "bedarfe.xlsx")).equals(frame)
    assert [number(t) for t in ("1.234,5", "12.5", "7", "-3")] == [1234.5, 12.5, 7.0, -3.0]


def test_wrong_rows_are_listed_and_nothing_is_taken():
    rows = [
        NEEDS_HEAD,
        ["Mitte", "zweitausend", "6–10", "Bevölkerung", "10"],
        ["Mitte", "2025", "6–10", "Bevölkerung", "viel"],
        ["Mitte", "2025", "6–10", "Quote", "1"],
        ["Mitte", "2025", "6–10", "Quote", "2"],
    ]
    with pytest.raises(InputError) as refused:
        needs_frame(rows)
    message = str(refused.value)
    assert "nichts wurde übernommen" in message and "Zeile 2: „zweitausend“ ist kein Jahr." in message
    assert "Zeile 3: „viel“ ist keine Zahl." in message and "Zeile 5: doppelt" in message
    offers = [OFFERS_HEAD, ['=HYPERLINK("x")', "T", "Kurs", "Mitte", "6–10", "-5", "", "2025"]]
    with pytest.raises(InputError, match="Plätze darf nicht negativ sein"):
        offers_frame(offers)
    offers[1][5] = "5"
    assert offers_frame(offers)["name"][0] == '=HYPERLINK("x")'  # text stays text
    with pytest.raises(InputError, match="Es fehlen die Spalten „Wert“"):
        needs_frame([["Sozialraum", "Jahr", "Zielgruppe", "Indikator"]])
    mapped = needs_frame(
        [["Stadtteil", "Jahr", "Zielgruppe", "Indikator", "Anzahl"], ["Süd", "2025", "", "Bevölkerung", "9"]],
        {"district": "Stadtteil", "value": "Anzahl"},
    )
    assert list(mapped["district"]) == ["Süd"]


def test_huge_and_hostile_files_get_a_german_message():
    big = ("Sozialraum;Jahr;Zielgruppe;Indikator;Wert\n" + "Mitte;2025;a;b;1\n" * (MAX_ROWS + 5)).encode()
    with pytest.raises(InputError, match=r"mehr als 200\.000 Zeilen"):
        read_table(big, "riesig.csv")
    with pytest.raises(InputError, match="keine Excel-Datei"):
        read_table(b"Sozialraum;Jahr", "tarnung.xlsx")
    with pytest.raises(InputError, match=r"\.csv oder \.xlsx"):
        read_table(b"x", "daten.ods")


def test_cli_checks_the_tables_and_writes_the_analysis(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    needs_rows, offers_rows = generated()
    needs = tmp_path / "bedarfe.csv"
    needs.write_text("\n".join(";".join(r) for r in needs_rows), encoding="utf-8-sig")
    offers = tmp_path / "angebote.csv"
    offers.write_text("\n".join(";".join(r) for r in offers_rows), encoding="utf-8")
    assert main(["data", "check", "--kind", "needs", str(needs)]) == 0
    assert "8 Sozialräume, Jahre 2024–2025, 2 Indikatoren" in capsys.readouterr().out
    out = tmp_path / "analyse.csv"
    assert main(["data", "analyse", "--needs", str(needs), "--offers", str(offers), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "(48 Zeilen)" in printed and "Nicht gezählt:" in printed and "Neustadt-Nord" in printed
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("sozialraum,zielgruppe,jahr,bevoelkerung")
    broken = tmp_path / "kaputt.csv"
    broken.write_text("Sozialraum;Jahr\nMitte;x\n", encoding="utf-8")
    assert main(["data", "check", "--kind", "needs", str(broken)]) == 1
    assert "Es fehlen die Spalten" in capsys.readouterr().err


def test_needs_in_wide_layout_read_like_the_long_one_with_the_file_rows_named():
    needs_rows, _offers = generated()
    long = needs_frame(needs_rows)
    wide: dict[tuple[str, str, str], dict[str, str]] = {}
    for district, year, group, indicator, value in needs_rows[1:]:
        wide.setdefault((district, year, group), {})[indicator] = value
    rows = [["Stadtteil", "Jahr", "Zielgruppe", "Bevölkerung", "Sprachförderbedarf"]]
    rows += [[*key, v["Bevölkerung"], v["Sprachförderbedarf"]] for key, v in wide.items()]
    frame = needs_frame(rows, {"district": "Stadtteil"})
    key = ["district", "year", "group", "indicator"]
    assert frame.sort_values(key, ignore_index=True).equals(long.sort_values(key, ignore_index=True))
    rows[3][1], rows[5][3] = "letztes Jahr", "-7"
    with pytest.raises(InputError) as refused:
        needs_frame(rows, {"district": "Stadtteil"})
    lines = str(refused.value).splitlines()
    assert lines[1:] == ["Zeile 4: „letztes Jahr“ ist kein Jahr.", "Zeile 6: Die Bevölkerung darf nicht negativ sein."]
    assert list(needs_frame([["Sozialraum", "Jahr", "Quote"], ["Nord", "2025", ""]])["value"]) == []  # empty: no value
