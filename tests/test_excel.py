"""The Excel checklist, read back from the saved file: sheets, cells, drop-downs, protection, print setup."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.excel.checklist import build_workbook
from qmkit.excel.style import export_filename, save_workbook
from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation

from .conftest import SHIPPED

HOSTILE = {
    "implementation": '=HYPERLINK("http://example.invalid","klick")',
    "responsible": "+49 170 000",
}


def _saved(store, catalogs, tmp_path: Path, catalog_id: str = "qm4"):
    cycle, _ = create_demo(store, catalogs.get(catalog_id))
    ev = SelfEvaluation.open(store, cycle.id, catalogs)
    first = ev.catalog.requirements()[0].id
    for field, value in HOSTILE.items():
        ev.set_text(first, field, value)
    ev.add_evidence(first, title="@SUM(A1:A9)", version="-1", location="=cmd|' /C calc'!A0")
    data = ev.checklist_data()
    path = save_workbook(build_workbook(data), tmp_path / export_filename(data))
    return data, path, first


@pytest.mark.parametrize("catalog_id", sorted(SHIPPED))
def test_checklist_for_every_model(store, catalogs, tmp_path: Path, catalog_id: str):
    data, path, _first = _saved(store, catalogs, tmp_path, catalog_id)
    wb = load_workbook(path)
    cat = data.catalog
    assert wb.sheetnames[0] == "Deckblatt" and wb.sheetnames[1] == "Übersicht"
    assert "Nachweise" in wb.sheetnames and wb["Skala"].sheet_state == "hidden"
    area_sheets = wb.sheetnames[2 : 2 + len(cat.areas)]
    assert [s.split(" ")[0] for s in area_sheets] == [a.id for a in cat.areas]
    cover = {row[0]: row[1] for row in wb["Deckblatt"].iter_rows(min_row=3, max_col=2, values_only=True) if row[0]}
    assert cover["Einrichtung"] == "Demo-Einrichtung"
    assert cover["Qualitätsmodell"] == cat.name and cover["Katalogversion"] == cat.version
    summary = data.summary
    assert cover["Bearbeitungsstand"].startswith(f"{summary.rated} von {summary.total}")
    # every requirement has a row with its stored rating label
    seen = {}
    for name in area_sheets:
        for row in wb[name].iter_rows(min_row=2, values_only=True):
            seen[row[0]] = row[3]
    assert set(seen) == {r.id for r in cat.requirements()}
    for req_id, label in seen.items():
        assert (label or None) == (cat.scale.label(data.assessment(req_id).rating) or None)


def test_user_text_is_never_a_formula(store, catalogs, tmp_path: Path):
    _data, path, first = _saved(store, catalogs, tmp_path)
    wb = load_workbook(path)
    sheet = wb[wb.sheetnames[2]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == first)
    assert row[4].value == HOSTILE["implementation"] and row[4].data_type == "s"
    assert row[8].value == HOSTILE["responsible"] and row[8].data_type == "s"
    assert row[4].quotePrefix and row[8].quotePrefix
    assert "@SUM(A1:A9) (-1)" in row[5].value
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in zf.read(name).decode("utf-8"), name


def test_layout_dropdown_protection_and_print(store, catalogs, tmp_path: Path):
    data, path, _first = _saved(store, catalogs, tmp_path)
    wb = load_workbook(path)
    ws = wb[wb.sheetnames[2]]
    assert [c.value for c in ws[1]][:4] == ["ID", "Gliederung", "Anforderung", "Selbstbewertung"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:K")
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    validations = ws.data_validations.dataValidation
    assert len(validations) == 2 and all(v.formula1.startswith("Skala!") for v in validations)
    assert "D2" in str(validations[0].sqref) and "J2" in str(validations[1].sqref)
    labels = [c.value for c in wb["Skala"]["A"][1:] if c.value]
    assert labels == [v.label for v in data.catalog.scale.values]
    results = [c.value for c in wb["Skala"]["B"][1:] if c.value]
    assert results == ["erfüllt", "erfüllt, mit Empfehlung", "Auflage", "nicht erfüllt"]
    assert ws.protection.sheet
    assert ws["A2"].protection.locked and ws["C2"].protection.locked  # catalog columns
    assert not ws["D2"].protection.locked and not ws["E2"].protection.locked and not ws["K2"].protection.locked
    assert not ws["J2"].protection.locked  # the assessors' columns stay open to them
    assert ws["J1"].value == "Ergebnis Gutachter*in" and ws["J2"].value is None
    assert ws["K1"].value == "Anmerkung Gutachter*in" and ws["K2"].value is None
    assert ws.row_dimensions[2].height and ws.row_dimensions[2].height > 15  # wrapped text gets room
    assert wb["Übersicht"]._charts, "summary chart missing"


def test_evidence_sheet_lists_every_reference(store, catalogs, tmp_path: Path):
    data, path, _first = _saved(store, catalogs, tmp_path)
    wb = load_workbook(path)
    rows = list(wb["Nachweise"].iter_rows(min_row=2, values_only=True))
    expected = sum(len(a.evidence) for a in data.assessments.values())
    assert len(rows) == expected > 0
    assert all(r[9] in ("ja", "nein") for r in rows)


def test_filename_is_safe():
    from types import SimpleNamespace

    data = SimpleNamespace(
        institution=SimpleNamespace(name="../../etc/<VHS> Süd"),
        cycle=SimpleNamespace(name="2026/27: Runde 1"),
    )
    name = export_filename(data)  # type: ignore[arg-type]
    assert "/" not in name and ".." not in name and name.endswith(".xlsx") and "Süd" in name
