"""End to end in Chromium: the municipality's coordinator ticks „Angebote der Mitglieder einbeziehen“ on the
Angebote-und-Bedarfe page and sees the members' reports listed (the unnamed one only as „Mitglied“) and the places
of a district without own offers rise by the school's reported offer."""

from __future__ import annotations

import os
import re
from pathlib import Path

from qmkit.store import Store
from tests.test_offers_members import NAMED, UNNAMED, city

from .test_browser import browser, server, wait_for_page  # noqa: F401 - fixtures

SUPPLY = "#qm-fit tbody tr:has-text('Sozialraum 8') td:nth-child(4)"  # the district's places in the ranking


def test_ticking_the_members_choice_adds_their_offers_to_the_figures(server, browser):  # noqa: F811
    base, env = server
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    found = city(store)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Angebote_Bedarfe.ipynb?zyklus={found.cycle_id}")
    wait_for_page(page)
    page.locator("#qm-fit").wait_for(timeout=60_000)
    assert page.locator(SUPPLY).inner_text().strip() == "0"  # none of the city's own offers there
    choice = page.get_by_role("checkbox", name="Angebote der Mitglieder einbeziehen (Bildungsnetzwerk Musterstadt)")
    assert not choice.is_checked()
    choice.check()
    listed = page.locator("#qm-reported")
    listed.wait_for(timeout=60_000)
    page.locator(SUPPLY, has_text=re.compile(r"^\s*40\s*$")).wait_for(timeout=60_000)
    text = listed.inner_text()
    assert "2 Mitgliedern" in text and NAMED in text and "Mitglied (Bildungsnetzwerk Musterstadt)" in text
    assert UNNAMED not in page.content()
    shots = os.environ.get("QMKIT_SCREENSHOTS")
    if shots:
        listed.scroll_into_view_if_needed()
        page.screenshot(path=str(Path(shots) / "angebote_mitglieder.png"))
    choice.uncheck()
    page.locator(SUPPLY, has_text=re.compile(r"^\s*0\s*$")).wait_for(timeout=60_000)  # back to the city's own
    store.close()
