"""End to end in Chromium (issue 17, item 3): on the Qualitätsplanung page the QMB of a municipality sets a Leitziel,
a goal serving it that follows an indicator of the loaded data – the baseline comes from the data –, and on the
PDCA-Review page takes the newest value of the data as the measure's actual value."""

from __future__ import annotations

from pathlib import Path

from qmkit.config import BUILTIN_STANDARDS
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.planning import Planning
from qmkit.store import Store
from qmkit.store.catalogs import discover
from tests.test_goal_data import SHARE, needs_rows, offers_rows
from tests.test_offers_data import csv_bytes

from .test_browser import browser, select_with, server, wait_for_page, wait_until  # noqa: F401 - fixtures


def test_a_leitziel_a_goal_from_an_indicator_and_the_check_from_the_data(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    catalogs = discover([BUILTIN_STANDARDS])
    from qmkit.services.cycles import CycleService

    cycles = CycleService(store)
    inst = cycles.create_institution("Stadt Musterstadt", qmb="B. Yilmaz")
    cycle = cycles.create_cycle(inst.id, "Bildungsbericht 2026", catalogs.get("dkbm"))
    data = OffersNeeds.open(store, cycle.id, catalogs)
    data.load("needs", csv_bytes(needs_rows()), "bedarfe.csv")
    data.load("offers", csv_bytes(offers_rows()), "angebote.csv")

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Qualitaetsplanung.ipynb?zyklus={cycle.id}")
    wait_for_page(page)
    page.get_by_role("button", name="Neues Leitziel").click()
    title = page.locator(".widget-text", has=page.locator("input[placeholder^='z. B. Bildungschancen']")).locator(
        "input"
    )
    title.wait_for(timeout=30_000)
    title.fill("Bildungschancen von Anfang an <b>fett</b>")
    title.press("Tab")
    page.locator("ol.qm-leitziele", has_text="Bildungschancen von Anfang an <b>fett</b>").wait_for(timeout=30_000)
    page.get_by_role("button", name="Neues Ziel").click()
    page.locator("table.qm-goals", has_text="Neues Ziel").wait_for(timeout=30_000)
    select_with(page, "– kein Leitziel –", "x").select_option(label="Bildungschancen von Anfang an <b>fett</b>")
    select_with(page, "– keine (Indikator von Hand) –", "x").select_option(label=SHARE)
    select_with(page, "alle Sozialräume", "x").select_option(label="Nord")
    # the baseline is the newest year's value, the indicator's text follows the data
    goals = page.locator("table.qm-goals")
    goals.get_by_text("Sprachförderbedarf (%) – Nord, alle Zielgruppen").wait_for(timeout=30_000)
    select_with(page, "das neueste Jahr", "x").select_option(label="2023")
    goals.get_by_text("30,0 (2023)").wait_for(timeout=30_000)
    assert "25,0 (2024)" in goals.inner_text()
    planning = Planning.open(store, cycle.id, catalogs)
    goal = wait_until(lambda: [g for g in planning.goals() if g.data_year == 2023], timeout=30)[0]
    assert (goal.data_indicator, goal.data_district, goal.baseline, goal.numeric) == (SHARE, "Nord", "30,0", True)
    assert goal.strategic_goal_id is not None
    page.screenshot(path=str(tmp_path / "ziele_aus_daten.png"), full_page=True)
    page.context.close()

    measure = planning.add_measure("QMB", title="Sprachkita Nord", responsible="Amt", goal_id=str(goal.id))
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/PDCA_Review.ipynb?zyklus={cycle.id}")
    wait_for_page(page)
    page.get_by_text("Kennzahl aus den Daten: Ausgangswert 2023: 30,0 · neuester Wert 2024: 25,0").wait_for(
        timeout=30_000
    )
    page.get_by_role("button", name="Istwert aus den Daten übernehmen").click()
    page.get_by_text("Istwert 25,0 (2024) aus den Daten übernommen.").wait_for(timeout=30_000)
    assert store.reviews.of_measure(measure.id).actual == "25,0"
    page.locator("h3", has_text="Kennzahlen aus den Daten über die Zyklen").wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert "Traceback" not in body and "unerwarteter Fehler" not in body
    page.context.close()
    store.close()
