"""Offers against needs stored (issue 17): each load of the education office's tables kept with its source, kind,
date, who loaded it and the column mapping; a cycle keeps the data version it used; the analysis from the stored
rows equals an independent pandas group-by; refused tables store nothing. SQLite and PostgreSQL.
"""

from __future__ import annotations

import pandas as pd
import pytest

from qmkit.documents.table_files import read_table
from qmkit.domain.offers_analysis import Filters
from qmkit.errors import AccessDenied, InputError
from qmkit.services.cycles import CycleService
from qmkit.services.offers_data import OffersNeeds
from tests.conftest import shipped_catalogs
from tests.test_networks import person
from tests.test_offers import generated, independent


def csv_bytes(rows: list[list[str]], bom: bool = True) -> list[list[str]]:
    """The rows as German Excel writes them (semicolons, BOM), read back as the page and the CLI read a file."""
    text = "\r\n".join(";".join(row) for row in rows)
    return read_table(text.encode("utf-8-sig" if bom else "utf-8"), "tabelle.csv")


def dkbm_data(store, cycle: str = "Zyklus 2026", institution: str = "Stadt Musterstadt") -> OffersNeeds:
    cycles = CycleService(store)
    try:
        inst = cycles.find_institution(institution)
    except Exception:
        inst = cycles.create_institution(institution)
    made = cycles.create_cycle(inst.id, cycle, shipped_catalogs().get("dkbm"))
    return OffersNeeds.open(store, made.id, shipped_catalogs())


def test_stored_loads_give_the_supply_of_an_independent_group_by(store):
    data = dkbm_data(store)
    assert data.enabled and data.analysis() is None
    needs_rows, offers_rows = generated()
    need, hints = data.load("needs", csv_bytes(needs_rows), "bedarfe.csv")
    assert (need.kind, need.source, need.rows, need.loaded_by, need.mapping) == (
        "needs",
        "bedarfe.csv",
        len(needs_rows) - 1,
        data.access.who(),
        {},
    )
    assert hints == ()
    offer, hints = data.load("offers", csv_bytes(offers_rows, bom=False), "C:\\Amt\\angebote.csv")
    assert offer.source == "angebote.csv" and offer.rows == 300
    assert any("Neustadt-Nord" in h and "nicht gezählt" in h for h in hints)  # unknown district: said, not refused
    found = data.analysis()
    assert found is not None
    expected = independent(needs_rows, offers_rows)
    table = found.found.table.set_index(["district", "group", "year"])
    assert len(table) == len(expected)
    for (district, group, year), row in expected.iterrows():
        mine = table.loc[(district, group, int(year))]
        assert mine["places"] == row["Plätze"]
        if pd.isna(row["je_1000"]):
            assert pd.isna(mine["places_per_1000"])
        else:
            assert mine["places_per_1000"] == pytest.approx(row["je_1000"])
    # per district over all target groups, the newest year: places of all offers ÷ population of all groups
    needs = pd.DataFrame(needs_rows[1:], columns=needs_rows[0])
    offers = pd.DataFrame(offers_rows[1:], columns=offers_rows[0])
    pop = needs[(needs["Indikator"] == "Bevölkerung") & (needs["Jahr"] == "2025")]
    pop = pop.assign(Wert=pop["Wert"].astype(float)).groupby("Sozialraum")["Wert"].sum()
    places = offers[offers["Jahr"] == "2025"].assign(P=lambda f: f["Plätze"].astype(float))
    places = places.groupby("Sozialraum")["P"].sum()
    assert found.year == 2025
    for fit in found.districts:
        assert fit.population == pop[fit.district]
        assert fit.per_1000 == pytest.approx(places.get(fit.district, 0.0) / pop[fit.district] * 1000)
    assert [f.rank for f in found.districts] == list(range(1, 9))
    worst = found.districts[0]
    assert worst.district == "Sozialraum 8" and worst.supply == 0 and worst.level == "kritisch"
    gaps = [f.gap for f in found.districts]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] == 0


def test_filters_by_offer_kind_and_target_group(store):
    data = dkbm_data(store)
    needs_rows, offers_rows = generated()
    data.load("needs", csv_bytes(needs_rows), "bedarfe.csv")
    data.load("offers", csv_bytes(offers_rows), "angebote.csv")
    found = data.analysis(Filters(kinds=("Kurs",), group="6–10", year=2024))
    assert found is not None and found.year == 2024
    offers = pd.DataFrame(offers_rows[1:], columns=offers_rows[0])
    kept = offers[(offers["Art"] == "Kurs") & (offers["Zielgruppe"] == "6–10") & (offers["Jahr"] == "2024")]
    kept = kept[kept["Sozialraum"] != "Neustadt-Nord"]
    assert found.counted == len(kept)
    sums = kept.assign(P=kept["Plätze"].astype(float)).groupby("Sozialraum")["P"].sum()
    for fit in found.districts:
        assert fit.supply == sums.get(fit.district, 0.0)
    assert found.trend.loc["Gesamt", 2024] == pytest.approx(
        sums.sum() / sum(f.population for f in found.districts) * 1000
    )
    assert set(found.by_kind.columns) == {"Kurs"}


def test_refused_tables_store_nothing_and_say_why_in_german(store):
    data = dkbm_data(store)
    head = ["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"]
    cases = [
        ([head, ["Mitte", "zweitausend", "", "Bevölkerung", "10"]], "„zweitausend“ ist kein Jahr"),
        ([head, ["Mitte", "2025", "", "Bevölkerung", "-10"]], "Bevölkerung darf nicht negativ sein"),
        ([head, ["Mitte", "2025", "", "Quote", "nan"]], "„nan“ ist keine Zahl"),
        ([head, ["Mitte", "2025", "", "Quote", "1"], ["Mitte", "2025", "", "Quote", "2"]], "Zeile 3: doppelt"),
        ([head, ["M" * 201, "2025", "", "Quote", "1"]], "Sozialraum: höchstens 200 Zeichen"),
        ([head, ["", "", "", "", ""]], "nur Überschriften"),
    ]
    for rows, message in cases:
        with pytest.raises(InputError, match=message):
            data.load("needs", csv_bytes(rows), "bedarfe.csv")
    offers_head = ["Angebot", "Träger", "Art", "Sozialraum", "Zielgruppe", "Plätze", "Teilnehmende", "Jahr"]
    for row, message in [
        (["Lesen", "VHS", "Kurs", "Mitte", "6–10", "-3", "", "2025"], "Plätze darf nicht negativ sein"),
        (["Lesen", "VHS", "Kurs", "Mitte", "6–10", "3", "", "2025,5"], "kein Jahr|außerhalb"),
    ]:
        with pytest.raises(InputError, match=message):
            data.load("offers", csv_bytes([offers_head, row]), "angebote.csv")
    twice = [offers_head, ["Lesen", "VHS", "Kurs", "Mitte", "6–10", "3", "", "2025"]] * 1
    twice.append(["lesen ", "VHS", "Treff", "Mitte", "6–10", "5", "", "2025"])
    with pytest.raises(InputError, match="Zeile 3: doppelt: lesen"):
        data.load("offers", csv_bytes(twice), "angebote.csv")
    with pytest.raises(InputError, match="Zuordnung: „Farbe“ gibt es nicht"):
        data.load("needs", csv_bytes([head]), "bedarfe.csv", {"Farbe": "Rot"})
    with pytest.raises(InputError, match="needs"):
        data.load("bedarf", csv_bytes([head]), "bedarfe.csv")
    assert data.loads() == [] and data.analysis() is None


def test_a_cycle_keeps_the_data_it_used_and_a_new_one_takes_the_newest(store):
    needs_rows, _offers = generated()
    first = dkbm_data(store, "Zyklus 2025")
    old, _hints = first.load("needs", csv_bytes(needs_rows), "bedarfe_2025.csv")
    second = dkbm_data(store, "Zyklus 2026")
    assert second.current("needs") == old  # nothing loaded in this cycle: the newest
    changed = [row[:] for row in needs_rows]
    changed[1][4] = "999999"
    new, _hints = second.load("needs", csv_bytes(changed), "bedarfe_2026.csv")
    assert first.current("needs") == old and second.current("needs") == new
    third = dkbm_data(store, "Zyklus 2027")
    assert third.current("needs") == new
    assert third.choose("needs", old.id) == old and third.current("needs") == old
    assert third.choose("needs", None) == new  # back to the newest
    assert [d.source for d in first.loads("needs")] == ["bedarfe_2026.csv", "bedarfe_2025.csv"]
    pop_old = first.frames()[0]
    assert pop_old["value"].iloc[0] != 999999 and second.frames()[0]["value"].iloc[0] == 999999
    elsewhere = dkbm_data(store, "Zyklus 2026", "Landkreis Nord")
    assert elsewhere.current("needs") is None  # another institution sees none of it
    with pytest.raises(Exception, match="gibt es nicht"):
        elsewhere.choose("needs", old.id)


def test_the_column_mapping_is_stored_and_remembered(store):
    data = dkbm_data(store)
    rows = [["Stadtteil", "Jahr", "Altersgruppe", "Merkmal", "Anzahl"], ["Süd", "2025", "6–10", "Bevölkerung", "900"]]
    mapping = {"district": "Stadtteil", "Zielgruppe": "Altersgruppe", "indicator": "Merkmal", "value": "Anzahl"}
    made, _hints = data.load("needs", csv_bytes(rows), "monitoring.csv", mapping)
    expected = {"district": "Stadtteil", "group": "Altersgruppe", "indicator": "Merkmal", "value": "Anzahl"}
    assert made.mapping == expected and data.mapping("needs") == expected and data.mapping("offers") == {}
    stored = data.frames()[0]
    assert list(stored.iloc[0]) == ["Süd", 2025, "6–10", "Bevölkerung", 900.0]


def test_formulas_stay_text_and_a_reader_cannot_load(store):
    data = dkbm_data(store)
    head = ["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"]
    data.load("needs", csv_bytes([head, ["=1+1", "2025", "@SUMME(A1)", "Bevölkerung", "100"]]), "b.csv")
    assert list(data.frames()[0].iloc[0][["district", "group"]]) == ["=1+1", "@SUMME(A1)"]
    reader = OffersNeeds.open(
        store, data.cycle_id, shipped_catalogs(), person(store, "lea", "Stadt Musterstadt", "lesen")
    )
    assert not reader.may_edit and reader.analysis() is not None
    with pytest.raises(AccessDenied, match="erlaubt nicht"):
        reader.load("needs", csv_bytes([head, ["Nord", "2025", "", "Bevölkerung", "1"]]), "b.csv")
    with pytest.raises(AccessDenied, match="erlaubt nicht"):
        reader.choose("needs", None)
    with pytest.raises(AccessDenied, match="erlaubt nicht"):
        reader.delete(data.loads()[0].id)
    assert len(data.loads()) == 1


def test_a_load_that_breaks_halfway_leaves_nothing_behind(store, monkeypatch):
    from qmkit.store import offers_data

    data = dkbm_data(store)
    needs_rows, _offers = generated()
    real = offers_data._records

    def breaks_after_the_first_chunk(frame, load_id):
        chunks = real(frame, load_id)
        yield next(chunks)
        raise OSError("Datenträger voll")

    monkeypatch.setattr(offers_data, "CHUNK", 10)
    monkeypatch.setattr(offers_data, "_records", breaks_after_the_first_chunk)
    with pytest.raises(OSError):
        data.load("needs", csv_bytes(needs_rows), "bedarfe.csv")
    assert data.loads() == [] and data.current("needs") is None and data.frames()[0].empty
    monkeypatch.setattr(offers_data, "_records", real)
    made, _hints = data.load("needs", csv_bytes(needs_rows), "bedarfe.csv")  # small chunks, all of them stored
    assert len(data.frames()[0]) == made.rows == len(needs_rows) - 1


def test_hostile_tables_get_a_german_message_and_store_nothing(store, tmp_path):
    """A zip bomb, XML entities, a million rows, a PDF named .xlsx: refused before anything is stored."""
    import io

    from openpyxl import Workbook

    from tests.test_excel_import import hostile_files

    good = io.BytesIO()
    sheet = Workbook()
    sheet.active.append(["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"])
    sheet.active.append(["Mitte", 2025, "", "Bevölkerung", 100])
    sheet.save(good)
    data = dkbm_data(store)
    files = hostile_files(tmp_path, good.getvalue())
    files["million.csv"] = (
        "Sozialraum;Jahr;Zielgruppe;Indikator;Wert\n" + "Mitte;2025;;Quote;1\n" * 1_000_000
    ).encode()
    claims = files.pop("million.xlsx")  # a sheet that claims a million rows but has one is read as it is
    made, _hints = data.load("needs", read_table(claims, "million.xlsx"), "million.xlsx")
    assert made.rows == 1
    for name, content in files.items():
        with pytest.raises(InputError) as refused:
            data.load("needs", read_table(content, name), name)
        assert name in str(refused.value) or "Zeilen" in str(refused.value), name
        assert "Traceback" not in str(refused.value)
    assert [d.source for d in data.loads()] == ["million.xlsx"]  # nothing of the refused ones


def test_a_reporting_date_in_german_format_counts_for_its_year(store):
    """Monitoring data often carries a Stichtag instead of a year: 31.12.2024, or an Excel date cell."""
    import io
    from datetime import datetime

    from openpyxl import Workbook

    data = dkbm_data(store)
    rows = [["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"]]
    rows += [["Mitte", "31.12.2024", "", "Bevölkerung", "1.000"], ["Mitte", "1.7.2025", "", "Bevölkerung", "1.100"]]
    made, _hints = data.load("needs", csv_bytes(rows), "stichtage.csv")
    assert sorted(data.store.offers_data.needs(made.id)["year"]) == [2024, 2025]
    book = Workbook()
    book.active.append(rows[0])
    book.active.append(["Süd", datetime(2023, 12, 31), "", "Bevölkerung", 500])
    out = io.BytesIO()
    book.save(out)
    made, _hints = data.load("needs", read_table(out.getvalue(), "stichtag.xlsx"), "stichtag.xlsx")
    assert list(data.store.offers_data.needs(made.id)["year"]) == [2023]
    with pytest.raises(InputError, match=r"„31\.02\.2025“ ist kein Jahr"):
        data.load("needs", csv_bytes([rows[0], ["Mitte", "31.02.2025", "", "Bevölkerung", "1"]]), "falsch.csv")
