"""End to end in Chromium (issue 19): a certifier's list with heading rows uploaded on the Katalog page, its tree
seen, saved, a cycle started on the new catalog and its checklist exported."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from .test_browser import browser, start_server, stop_server, wait_for_page  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def catalog_server(tmp_path_factory):
    """`qmkit serve` with a catalog folder of its own, so the saved catalog never lands in ``standards/``."""
    data = tmp_path_factory.mktemp("catalog-e2e")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QMKIT_STANDARDS", str(data / "kataloge"))
        proc, log, base, env = start_server(data)
    yield base, env, data / "kataloge"
    stop_server(proc, log)


def heading_list(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Anforderungen"
    ws.append(["Nr.", "Anforderung", "Nachweise"])
    for row in (
        ["Qualitätsbereich 1 – Leitung"],
        ["1.1", "Die Leitung legt jährlich Qualitätsziele fest.", "Ziele"],
        ["Qualitätsbereich 2 – Personal und Professionalisierung"],
        ["2.1", "Neue Mitarbeitende werden nach einem Konzept eingearbeitet.", "Konzept"],
        ["2.2", "Fortbildungen werden jährlich geplant.", ""],
    ):
        ws.append(row)  # fmt: skip
    for row in (2, 4):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.cell(row, 1).font = Font(bold=True)
    wb.save(path)
    return path


def test_upload_see_the_tree_save_start_a_cycle_export(catalog_server, browser, tmp_path: Path):  # noqa: F811
    base, _env, folder = catalog_server
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Katalog.ipynb")
    wait_for_page(page)
    with page.expect_file_chooser() as chooser:
        page.locator(".qm-upload-button").click()
    chooser.value.set_files(str(heading_list(tmp_path / "musterliste.xlsx")))
    page.get_by_text("Zeilen unter den Überschriften").wait_for(timeout=60_000)
    layout = page.locator(".widget-dropdown", has_text="Aufbau der Liste").locator("select")
    assert layout.locator("option:checked").inner_text().replace("\xa0", " ") == "Bereiche als Überschriftszeilen"
    page.get_by_placeholder("z. B. lqw-offiziell").fill("muster-browser")
    page.get_by_placeholder("z. B. 2025").fill("2025")
    page.get_by_placeholder("Herausgeber, Titel, Jahr").fill("Musterzertifizierer, Anforderungen 2025")
    page.get_by_role("button", name="Vorschau prüfen").click()
    page.get_by_text("2 Bereiche, 3 Anforderungen – gültig.").wait_for(timeout=60_000)
    assert page.locator(".qm-catalog-tree li", has_text="2 Personal und Professionalisierung").is_visible()
    page.get_by_role("button", name="Als Katalog speichern").click()
    page.get_by_text("Gespeichert:").wait_for(timeout=60_000)
    assert (folder / "muster-browser.yaml").exists()

    start = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    start.goto(base + "/voila/render/Start.ipynb")
    wait_for_page(start)
    start.get_by_placeholder("Name der Einrichtung").fill("Haus mit offiziellem Katalog")
    start.get_by_placeholder("QM-Beauftragte*r").fill("O. Fiziell")
    start.get_by_role("button", name="Einrichtung anlegen").click()
    start.get_by_text("Einrichtung „Haus mit offiziellem Katalog“ angelegt.").wait_for()
    model = start.locator(".widget-dropdown", has_text="Qualitätsmodell").locator("select")
    model.select_option(label="musterliste (Version 2025)")
    start.get_by_placeholder("Name des Zyklus").fill("Zyklus 2026")
    start.get_by_role("button", name="Zyklus anlegen").click()
    start.locator("#qm-open-selfeval").click()
    wait_for_page(start)
    start.get_by_text("Die Leitung legt jährlich Qualitätsziele fest.").wait_for(timeout=60_000)
    start.get_by_role("button", name="Excel-Checkliste erstellen").click()
    link = start.locator("#qm-download")
    link.wait_for(timeout=60_000)
    href = link.get_attribute("href")
    wb = load_workbook(io.BytesIO(base64.b64decode(href.split(",", 1)[1])))
    texts = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert any("Neue Mitarbeitende werden nach einem Konzept eingearbeitet" in t for t in texts)
    assert any("Musterzertifizierer, Anforderungen 2025" in t for t in texts)  # the catalog's source
