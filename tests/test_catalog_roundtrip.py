"""Any catalog goes out as an editable Excel requirement list and comes back unchanged (page, CLI, core)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.cli import main
from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.catalog import CatalogSet
from qmkit.excel.catalog_export import catalog_workbook
from qmkit.excel.catalog_source import draft, open_source, proposal
from qmkit.store.catalogs import discover, load_catalog
from qmkit.ui.pages.catalog_import import CatalogImportPage

SHIPPED = sorted(p.stem for p in BUILTIN_STANDARDS.glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped() -> CatalogSet:
    return discover([BUILTIN_STANDARDS])


def as_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("catalog_id", SHIPPED)
def test_every_shipped_catalog_comes_back_unchanged(shipped, catalog_id: str):
    catalog = shipped.get(catalog_id)
    source = open_source(as_bytes(catalog_workbook(catalog)), f"{catalog_id}.xlsx")
    mapping = proposal(source, "qm4")
    assert (mapping.layout, mapping.catalog_id, mapping.name) == ("column", catalog.id, catalog.name)
    others = CatalogSet({k: v for k, v in shipped.catalogs.items() if k != catalog_id})
    result = draft(source, mapping, others)
    assert result.problems == ()
    assert result.catalog == catalog


def test_the_list_is_one_row_per_requirement_with_its_levels(shipped):
    catalog = shipped.get("qesplus")
    ws = catalog_workbook(catalog)["Anforderungen"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Bereich", "Handlungsfeld", "Bestandteil", "ID", "Kurztitel"]
    first = [c.value for c in ws[2]]
    assert first[:4] == [
        "A – Leitung und strategische Ausrichtung",
        "A1 – Leitbild und Ziele",
        "A1.1 – Selbstverständnis",
        "F1.1.1",
    ]
    assert ws.max_row == len(catalog.requirements()) + 1


def test_an_edited_list_comes_back_with_the_edits(shipped, tmp_path: Path):
    """A network edits its shared catalog in Excel: a text changed, a requirement added, a new id."""
    wb = catalog_workbook(shipped.get("qm4"))
    ws = wb["Anforderungen"]
    ws.cell(2, 4).value = "Geänderter Anforderungstext."
    ws.append([ws.cell(2, 1).value, "QB1.9", "Neu", "Eine neue Anforderung des Netzwerks."])
    source = open_source(as_bytes(wb), "qm4.xlsx")
    mapping = replace(proposal(source, "qm4"), catalog_id="qm4-netzwerk", name="QM4 (Netzwerk)")
    result = draft(source, mapping, shipped)
    first_area = result.catalog.areas[0]
    assert first_area.requirements[0].text == "Geänderter Anforderungstext."
    assert first_area.requirements[-1].id == "QB1.9" and first_area.requirements[-1].title == "Neu"
    assert result.catalog.scale == shipped.get("qm4").scale  # from the list's Katalogdaten sheet
    assert result.catalog.translations["en"].items["QB1.1"].title  # the English texts came back too


def test_a_row_deleted_in_excel_takes_its_translation_with_it(shipped):
    wb = catalog_workbook(shipped.get("qm4"))
    ws = wb["Anforderungen"]
    id_column = [c.value for c in ws[1]].index("ID") + 1
    gone = ws.cell(2, id_column).value
    assert gone in shipped.get("qm4").translations["en"].items
    ws.delete_rows(2)
    source = open_source(as_bytes(wb), "qm4.xlsx")
    mapping = replace(proposal(source, "qm4"), catalog_id="qm4-kurz", name="QM4 (gekürzt)")
    result = draft(source, mapping, shipped)
    assert result.problems == () and result.catalog is not None
    assert gone not in {r.id for r in result.catalog.requirements()}
    assert gone not in result.catalog.translations["en"].items


def test_cli_exports_and_reads_back(shipped, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.delenv("QMKIT_STANDARDS", raising=False)
    out = tmp_path / "lqw.xlsx"
    assert main(["catalog", "export", "lqw", "--out", str(out)]) == 0
    assert f"{len(shipped.get('lqw').requirements())} Anforderungen" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == ["Anforderungen", "Katalogdaten"]
    assert main(["catalog", "import", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "Erkannter Aufbau: Bereich in einer Spalte" in shown and "layout: column" in shown
    assert "L1 Leitbild – 3 Anforderungen" in shown  # the tree of the preview
    mapping = shown.split("mit --mapping angeben):\n", 1)[1].replace("id: lqw\n", "id: lqw-netzwerk\n")
    (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    target = tmp_path / "kataloge"
    assert main(["catalog", "import", str(out), "--mapping", str(tmp_path / "map.yaml"), "--out", str(target)]) == 0
    again = load_catalog(target / "lqw-netzwerk.yaml")
    assert again.requirements() == shipped.get("lqw").requirements() and again.procedure == shipped.get("lqw").procedure
    assert main(["catalog", "export", "gibtsnicht"]) == 1
    assert "gibtsnicht" in capsys.readouterr().err


def test_page_offers_the_download(shipped, tmp_path: Path):
    page = CatalogImportPage(shipped, folder=tmp_path, exports=tmp_path / "exports")
    page.export_choice.value = "qesplus"
    page.export_button.click()
    assert 'download="qesplus-anforderungsliste.xlsx"' in page.export_link.value
    saved = tmp_path / "exports" / "qesplus-anforderungsliste.xlsx"
    assert load_workbook(saved)["Anforderungen"].cell(2, 4).value == "F1.1.1"
    content = saved.read_bytes()  # and back in on the same page, under a new id
    page.upload.receive({"kind": "start", "name": saved.name, "size": len(content)})
    page.upload.receive({"kind": "chunk", "offset": 0}, [memoryview(content)])
    page.upload.receive({"kind": "end"})
    assert "bringt Skala, Verfahren und Ebenen selbst mit" in page.sample.value
    assert page.layout_choice.value == "column" and page.catalog_id.value == "qesplus"
    page.catalog_id.value = "qesplus-netzwerk"
    page.save_button.click()
    again = load_catalog(tmp_path / "qesplus-netzwerk.yaml")
    assert again.requirements() == shipped.get("qesplus").requirements() and again.internal_audit
