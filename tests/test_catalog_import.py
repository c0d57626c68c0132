"""A certifier's Excel requirement list becomes a catalog: core, YAML mapping, CLI and the page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from qmkit.cli import main
from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.catalog import CatalogSet
from qmkit.errors import CatalogError, InputError
from qmkit.excel.catalog_import import (
    ColumnMapping,
    build_catalog,
    guess_columns,
    load_mapping,
    mapping_yaml,
    read_sheet,
    save_catalog,
)
from qmkit.excel.checklist import build_workbook
from qmkit.excel.reading import ImportFileError
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store.catalogs import discover, load_catalog
from qmkit.ui.pages.catalog_import import CatalogImportPage


def certifier_list() -> bytes:
    """What a certifier's list tends to look like: a title row, a blank row, headers, an area heading row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Anforderungen 2025"
    ws.append(["Anforderungskatalog des Musterzertifizierers"])
    ws.append([])
    ws.append(["Nr.", "Qualitätsbereich", "Anforderung", "Erläuterung", "Nachweismöglichkeiten"])
    ws.append([None, "1 Leitbild", None, None, None])
    leitbild = "Die Einrichtung hat ein Leitbild. Es wird regelmäßig überprüft."
    ws.append(["1.1", "1 Leitbild", leitbild, "Wer?", "Leitbild; Protokolle"])
    ws.append(["1.2", "1 Leitbild", "Das Leitbild ist öffentlich zugänglich.", "", "Website"])
    ws.append([2.1, "2 Personal", "Es gibt ein Einarbeitungskonzept für Neue.", "", "Konzept\nCheckliste"])
    ws.append(["2.1", "2 Personal", "Doppelte Nummer", "", ""])
    ws.append(["2.2", "2 Personal", '=HYPERLINK("http://example.org")', "", ""])
    ws.append(["2.3", "", "Ohne Bereich", "", ""])
    ws.append(["2.4", "2 Personal", "<script>alert(1)</script> Fortbildungen werden geplant.", "", ""])
    ws.cell(1_000_000, 1).value = "ganz unten"  # a far dimension must not make reading slow or large
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def mapping(catalog_id: str = "muster-offiziell", base: str = "qm4") -> ColumnMapping:
    return ColumnMapping(
        {"id": 0, "area": 1, "requirement": 2, "guidance": 3, "evidence": 4},
        catalog_id,
        "Musterzertifizierer (offizieller Katalog)",
        "2025",
        "Musterzertifizierer, Anforderungskatalog 2025",
        base,
    )


@pytest.fixture(scope="module")
def shipped() -> CatalogSet:
    return discover([BUILTIN_STANDARDS])


def test_list_becomes_a_valid_catalog_with_the_base_models_scale_and_procedure(shipped, tmp_path: Path, store):
    table = read_sheet(certifier_list(), "liste.xlsx")
    assert table.header_row == 3 and table.headers[:3] == ("Nr.", "Qualitätsbereich", "Anforderung")
    assert guess_columns(table) == {"id": 0, "area": 1, "requirement": 2, "guidance": 3, "evidence": 4}
    draft = build_catalog(table, mapping(), shipped, "liste.xlsx")
    cat = draft.catalog
    assert [(a.id, a.title) for a in cat.areas] == [("1", "Leitbild"), ("2", "Personal")]
    assert [r.id for r in cat.requirements()] == ["1.1", "1.2", "2.1", "2.4"]
    first = cat.requirements()[0]
    assert first.title == "Die Einrichtung hat ein Leitbild" and first.guidance == "Wer?"
    assert first.evidence == ["Leitbild", "Protokolle"] and cat.requirements()[2].evidence == ["Konzept", "Checkliste"]
    assert cat.scale == shipped.get("qm4").scale and cat.procedure == shipped.get("qm4").procedure
    problems = " | ".join(draft.problems)
    assert "Zeile 8: ID „2.1“ kam schon in Zeile 7 vor" in problems
    assert "Zeile 9" in problems and "Formel" in problems
    assert "Zeile 10: Bereich fehlt" in problems
    # saved, it loads like any catalog and a cycle works with it (checklist included)
    path = save_catalog(draft, tmp_path)
    assert load_catalog(path) == cat
    found = discover([BUILTIN_STANDARDS, tmp_path])
    assert not found.errors and "muster-offiziell" in found.catalogs
    inst = CycleService(store).create_institution("Mit offiziellem Katalog")
    cycle = CycleService(store).create_cycle(inst.id, "2026", found.get("muster-offiziell"))
    ev = SelfEvaluation.open(store, cycle.id, found)
    ev.rate("2.4", "erfuellt")
    wb = build_workbook(ev.checklist_data())
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("<script>alert(1)</script> Fortbildungen") for t in texts)  # text, not markup


def test_refusals_name_the_fix(shipped, tmp_path: Path):
    table = read_sheet(certifier_list(), "liste.xlsx")
    with pytest.raises(InputError, match="gibt es schon"):
        build_catalog(table, mapping("qm4"), shipped, "liste.xlsx")  # a shipped id
    with pytest.raises(InputError, match="nur Buchstaben"):
        build_catalog(table, mapping("mein katalog!"), shipped, "liste.xlsx")
    no_area = ColumnMapping({"id": 0, "requirement": 2}, "x1", "X", "1", "Q", "qm4")
    with pytest.raises(InputError, match="Bereich"):
        build_catalog(table, no_area, shipped, "liste.xlsx")
    twice = ColumnMapping({"id": 0, "area": 1, "requirement": 1}, "x1", "X", "1", "Q", "qm4")
    with pytest.raises(InputError, match="mehreren Rollen"):
        build_catalog(table, twice, shipped, "liste.xlsx")
    draft = build_catalog(table, mapping(), shipped, "liste.xlsx")
    save_catalog(draft, tmp_path)
    with pytest.raises(InputError, match="gibt es schon"):
        save_catalog(draft, tmp_path)
    assert save_catalog(draft, tmp_path, replace_file=True).exists()
    with pytest.raises(ImportFileError, match="PDF"):
        read_sheet(b"%PDF-1.4 kein Excel", "liste.xlsx")
    with pytest.raises(InputError, match="Blatt „Fehlt“"):
        read_sheet(certifier_list(), "liste.xlsx", "Fehlt")


def test_yaml_mapping_round_trip_and_errors(tmp_path: Path):
    text = mapping_yaml("Anforderungen 2025", 3, mapping())
    sheet, header_row, again = load_mapping(text, "zuordnung.yaml")
    assert (sheet, header_row, again) == ("Anforderungen 2025", 3, mapping())
    bad = text.replace("area: B", "bereich: B").replace("id: A", "id: 7")
    with pytest.raises(CatalogError) as info:
        load_mapping(bad, "zuordnung.yaml")
    message = " | ".join(info.value.problems)
    assert "zuordnung.yaml: columns.bereich: unbekannte Rolle" in message
    assert "columns.id: Spaltenbuchstabe wie B erwartet" in message and "columns.area fehlt" in message


def test_cli_shows_columns_then_imports(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.delenv("QMKIT_STANDARDS", raising=False)
    source = tmp_path / "liste.xlsx"
    source.write_bytes(certifier_list())
    assert main(["catalog", "import", str(source)]) == 0
    shown = capsys.readouterr().out
    assert "C – Anforderung" in shown and "requirement: C" in shown
    (tmp_path / "map.yaml").write_text(mapping_yaml("Anforderungen 2025", 3, mapping()), encoding="utf-8")
    out = tmp_path / "kataloge"
    args = ["catalog", "import", str(source), "--mapping", str(tmp_path / "map.yaml"), "--out", str(out)]
    assert main(args) == 0
    assert "4 Anforderungen" in capsys.readouterr().out
    assert load_catalog(out / "muster-offiziell.yaml").id == "muster-offiziell"
    assert main(args) == 1  # exists: refused without --replace
    assert "--replace" in capsys.readouterr().err
    assert main([*args, "--replace"]) == 0


def test_page_upload_map_check_save(shipped, tmp_path: Path):
    page = CatalogImportPage(shipped, folder=tmp_path)
    assert page.save_button.disabled
    content = certifier_list()
    page.upload.receive({"kind": "start", "name": "liste.xlsx", "size": len(content)})
    page.upload.receive({"kind": "chunk", "offset": 0}, [memoryview(content)])
    page.upload.receive({"kind": "end"})
    assert page.feedback.widget.value == ""
    assert page.sheet.value == "Anforderungen 2025" and page.header_row.value == 3
    assert page.roles["requirement"].value == 2 and "Nr." in page.sample.value
    page.save_button.click()  # no id yet: the preview says what is missing, nothing is written
    assert "Katalog-ID" in page.preview.value and not list(tmp_path.iterdir())
    page.catalog_id.value = "muster-offiziell"
    page.version.value = "2025"
    page.source.value = "Musterzertifizierer 2025"
    page.base.value = "lqw"
    page.check_button.click()
    assert "2 Bereiche, 4 Anforderungen – gültig" in page.preview.value and "Zeile 9" in page.preview.value
    page.save_button.click()
    saved = tmp_path / "muster-offiziell.yaml"
    assert saved.exists() and "Gespeichert" in page.result.value
    cat = load_catalog(saved)
    assert cat.scale == shipped.get("lqw").scale and cat.name == "liste"
    page.header_row.value = 4  # another header row: the columns are read again
    assert page.table is not None and page.table.header_row == 4
