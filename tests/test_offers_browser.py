"""End to end in Chromium: a QMB of a municipality loads the monitoring data and the offers register through the
Angebote-und-Bedarfe page, sees the districts ranked with the gap, the lines over the years and downloads the
analysis as Excel and as a Word report."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

from docx import Document as read_docx
from openpyxl import load_workbook

from qmkit.config import BUILTIN_STANDARDS
from qmkit.services.cycles import CycleService
from qmkit.store import Store
from qmkit.store.catalogs import discover
from tests.test_offers import generated

from .test_browser import browser, server, wait_for_page  # noqa: F401 - fixtures


def _upload(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(".qm-upload-button").click()
    chooser.value.set_files(str(path))


def test_both_tables_through_the_page_the_gap_and_the_workbook(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    cycles = CycleService(store)
    inst = cycles.create_institution("Stadt Musterstadt", qmb="B. Yilmaz")
    cycle = cycles.create_cycle(inst.id, "Bildungsbericht 2026", discover([BUILTIN_STANDARDS]).get("dkbm"))
    needs_rows, offers_rows = generated()
    needs = tmp_path / "Monitoring 2025.csv"
    needs.write_text("\r\n".join(";".join(r) for r in needs_rows), encoding="utf-8-sig")
    offers = tmp_path / "Angebote.csv"
    offers.write_text("\r\n".join(";".join(r) for r in offers_rows), encoding="utf-8")
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Angebote_Bedarfe.ipynb?zyklus={cycle.id}")
    wait_for_page(page)
    page.get_by_text("Noch keine Bedarfsdaten").wait_for(timeout=60_000)
    _upload(page, needs)
    page.get_by_text("Welche Spalte ist was?").wait_for(timeout=60_000)
    page.get_by_role("button", name="Prüfen und speichern").click()
    page.get_by_text("Gespeichert: Bedarfsdaten „Monitoring 2025.csv“").wait_for(timeout=60_000)
    page.get_by_role("button", name="Angebotsverzeichnis", exact=True).click()
    _upload(page, offers)
    page.get_by_text("Welche Spalte ist was?").wait_for(timeout=60_000)
    page.get_by_role("button", name="Prüfen und speichern").click()
    page.get_by_text("Gespeichert: Angebotsverzeichnis „Angebote.csv“").wait_for(timeout=60_000)
    page.locator("#qm-explain", has_text="Nicht gezählt").wait_for(timeout=60_000)  # the offers are counted
    fit = page.locator("#qm-fit")
    first = fit.locator("tbody tr").first.inner_text()
    assert "Sozialraum 8" in first and "nachsteuern" in first  # no offers at all: the largest gap
    assert page.locator("#qm-trend").is_visible()
    shots = os.environ.get("QMKIT_SCREENSHOTS")
    if shots:
        page.get_by_text("Passung je Sozialraum").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(shots) / "angebote_bedarfe_passung.png"))
    page.get_by_role("button", name="Analyse als Excel").click()
    link = page.locator("#qm-download-analysis")
    link.wait_for(timeout=60_000)
    workbook = load_workbook(io.BytesIO(base64.b64decode((link.get_attribute("href") or "").split(",", 1)[1])))
    assert workbook["Passung"]["B2"].value == "Sozialraum 8"
    page.get_by_role("button", name="Analyse als Word").click()
    word = page.locator("#qm-download-analysis-word")
    word.wait_for(timeout=60_000)
    assert (word.get_attribute("download") or "").endswith(".docx") and link.is_visible()  # both links stay
    report = read_docx(io.BytesIO(base64.b64decode((word.get_attribute("href") or "").split(",", 1)[1])))
    assert next(t for t in report.tables if t.rows[0].cells[0].text == "Rang").rows[1].cells[1].text == "Sozialraum 8"

    # a goal straight from the figure with the largest gap: the baseline comes from the data
    goal_card = page.locator(".qm-card", has=page.locator("h2", has_text="Ziel aus den Daten anlegen"))
    goal_card.scroll_into_view_if_needed()
    assert goal_card.locator("select").nth(1).input_value() == "Sozialraum 8"  # the largest gap preselected
    goal_card.locator("input[placeholder='z. B. 40']").fill("25")
    goal_card.get_by_role("button", name="Ziel anlegen").click()
    goal_card.locator(".qm-msg-ok", has_text="angelegt – Ausgangswert").wait_for(timeout=60_000)
    from qmkit.services.planning import Planning

    goals = Planning.open(store, cycle.id, discover([BUILTIN_STANDARDS])).goals()
    assert [(g.data_indicator, g.data_district, g.target, g.numeric) for g in goals] == [
        ("@plaetze", "Sozialraum 8", "25", True)
    ]
    assert goals[0].baseline == "0,0"  # no offers at all in Sozialraum 8
    assert goal_card.get_by_role("link", name="Zur Qualitätsplanung").get_attribute("href") == (
        f"Qualitaetsplanung.ipynb?zyklus={cycle.id}"
    )
