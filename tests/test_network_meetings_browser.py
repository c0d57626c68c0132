"""End to end in Chromium: the coordinator's card "Netzwerktreffen" – a year plan proposed and stored, the minutes
of a meeting saved, the meetings downloaded as a calendar file that parses back."""

from __future__ import annotations

import base64
from pathlib import Path

import icalendar

from qmkit.config import BUILTIN_STANDARDS
from qmkit.services.networks import NetworkService
from qmkit.store import Store
from qmkit.store.catalogs import discover

from .test_browser import browser, server, wait_for_page, wait_until  # noqa: F401 - fixtures


def _network(env) -> tuple[Store, int]:
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    service = NetworkService(store, discover([BUILTIN_STANDARDS]))
    network = service.create({"name": "Treffen-Verbund", "kind": "verbund", "catalog_id": "qesplus"})
    for name in ("VHS Geithain", "Bildungswerk Borna", "Beratung Grimma"):
        member = service.invite(network.id, {"kind": "vhs"}, store.institutions.create(name).id)
        service.accept(member.id)
    return store, network.id


def test_the_coordinator_plans_a_year_minutes_a_meeting_and_downloads_the_calendar(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store, network_id = _network(env)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Netzwerk.ipynb?netzwerk={network_id}")
    wait_for_page(page)
    meetings = page.locator(".qm-card", has=page.locator("h2", has_text="Netzwerktreffen"))
    meetings.get_by_text("Noch keine Treffen geplant").wait_for()
    meetings.get_by_text("Jahresplan vorschlagen", exact=True).click()
    meetings.get_by_role("button", name="Vorschlag zeigen").click()
    proposal = meetings.locator("table.qm-proposal tr")
    proposal.nth(4).wait_for()
    assert proposal.count() == 5  # heading and four quarterly meetings, each with a host
    assert "VHS Geithain" in meetings.locator("table.qm-proposal").inner_text()
    meetings.get_by_role("button", name="Vorschlag übernehmen").click()
    page.get_by_text("4 Treffen für").wait_for(timeout=30_000)
    planned = wait_until(lambda: store.meetings.meetings(network_id), timeout=60)
    assert len(planned) == 4 and len({m.host_member_id for m in planned}) == 3
    meetings.locator("table.qm-meetings tr").nth(4).wait_for(timeout=30_000)
    assert meetings.locator("table.qm-meetings tr").count() == 5

    minutes = meetings.locator(".widget-textarea", has_text="Protokoll").locator("textarea")
    minutes.fill("Fragebogen gemeinsam gekürzt. <script>alert(1)</script>")
    minutes.press("Tab")
    # saved as typed, no button: nothing a click could overtake
    meetings.locator(".qm-saved", has_text="gespeichert").wait_for(timeout=60_000)
    saved = wait_until(lambda: [m for m in store.meetings.meetings(network_id) if m.minutes], timeout=60)
    assert saved[0].minutes == "Fragebogen gemeinsam gekürzt. <script>alert(1)</script>"

    meetings.get_by_role("button", name="Treffen als Kalender (.ics)").click()
    link = page.locator("#qm-meetings-ics")
    link.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "netzwerktreffen.png"), full_page=True)
    href = link.get_attribute("href")
    assert href and href.startswith("data:text/calendar;base64,")
    events = icalendar.Calendar.from_ical(base64.b64decode(href.split(",", 1)[1])).walk("VEVENT")
    assert sorted(e.decoded("dtstart").date() for e in events) == [m.day for m in planned]
    assert {str(e["uid"]) for e in events} == {f"{m.uid}@qmkit" for m in planned}
    body = page.inner_text("body")
    assert "Traceback" not in body and "unerwarteter Fehler" not in body
    page.context.close()
    store.close()
