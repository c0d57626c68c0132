"""End to end in Chromium: a QMF region's quality dialogues – the coordinator's round overview (per kind, overdue),
its calendar file that parses back, and a member planning its own dialogue on the page."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from pathlib import Path

import icalendar

from qmkit.config import BUILTIN_STANDARDS
from qmkit.services.networks import NetworkService
from qmkit.services.quality_dialogues import QualityDialogues
from qmkit.store import Store
from qmkit.store.catalogs import discover

from .test_browser import browser, server, wait_for_page, wait_until  # noqa: F401 - fixtures

TODAY = date.today()


def _region(env) -> tuple[Store, int, list[int]]:
    """A region whose round ends in four months: a provider has held its dialogue, a youth office planned one."""
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    service = NetworkService(store, discover([BUILTIN_STANDARDS]))
    network = service.create({"name": "Region Hohenlohe", "kind": "region", "catalog_id": "qmf"})
    members = []
    for name, kind in (("Jugendhilfe Öhringen", "traeger"), ("Kinderhaus Künzelsau", "traeger"),
                       ("Kreisjugendamt Hohenlohe", "jugendamt")):  # fmt: skip
        member = service.invite(network.id, {"kind": kind}, store.institutions.create(name).id)
        service.accept(member.id)
        members.append(member.id)
    the_round = service.add_round(
        network.id, {"name": "Runde 3", "starts": TODAY - timedelta(900), "ends": TODAY + timedelta(120)}
    )
    dialogues = QualityDialogues(service)
    held = dialogues.plan(members[0], the_round.id, {"day": TODAY - timedelta(60), "starts": "14:00", "place": "Saal"})
    dialogues.update(members[0], held.id, {"status": "stattgefunden", "minutes": "Geheimes Protokoll"})
    dialogues.plan(members[2], the_round.id, {"day": TODAY + timedelta(30), "place": "Landratsamt"})
    return store, network.id, members


def test_the_coordinator_sees_the_round_and_a_member_plans_its_dialogue(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store, network_id, members = _region(env)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Netzwerk.ipynb?netzwerk={network_id}")
    wait_for_page(page)
    overview = page.locator(".qm-card", has=page.locator("h2", has_text="Qualitätsdialoge"))
    overview.locator("table.qm-dialogues").wait_for(timeout=60_000)
    text = overview.inner_text()
    assert "Träger: 1 durchgeführt · 0 geplant · 1 noch nicht geplant" in text
    assert "Jugendamt: 0 durchgeführt · 1 geplant · 0 noch nicht geplant" in text
    assert "Überfällig oder knapp (1)" in text and "Kinderhaus Künzelsau" in text
    assert "Geheimes Protokoll" not in page.inner_text("body")
    overview.get_by_role("button", name="Qualitätsdialoge als Kalender (.ics)").click()
    link = page.locator("#qm-dialogues-ics")
    link.wait_for(timeout=30_000)
    overview.screenshot(path=str(tmp_path / "qualitaetsdialoge.png"))
    href = link.get_attribute("href")
    assert href and href.startswith("data:text/calendar;base64,")
    events = icalendar.Calendar.from_ical(base64.b64decode(href.split(",", 1)[1])).walk("VEVENT")
    assert sorted(e.decoded("dtstart").date() if hasattr(e.decoded("dtstart"), "date") else e.decoded("dtstart")
                  for e in events) == [TODAY - timedelta(60), TODAY + timedelta(30)]  # fmt: skip

    page.goto(f"{base}/voila/render/Netzwerk.ipynb?netzwerk={network_id}&mitglied={members[1]}")
    wait_for_page(page)
    own = page.locator(".qm-card", has=page.locator("h2", has_text="Unser Qualitätsdialog"))
    own.get_by_text("Stand in dieser Runde: noch nicht geplant").wait_for(timeout=60_000)
    day = own.locator(".qm-date", has_text="Datum").locator("input.qm-date-text")
    day.fill((TODAY + timedelta(45)).strftime("%d.%m.%Y"))
    day.press("Tab")
    topics = own.locator(".widget-textarea", has_text="Themen").locator("textarea")
    topics.fill("Beteiligung von Kindern <script>alert(1)</script>")
    topics.press("Tab")  # the value reaches the kernel before the click
    own.get_by_role("button", name="Qualitätsdialog planen").click()
    page.locator(".qm-msg-ok", has_text="geplant.").wait_for(timeout=60_000)
    own.get_by_text("Stand in dieser Runde: geplant").wait_for(timeout=30_000)
    own.screenshot(path=str(tmp_path / "unser-qualitaetsdialog.png"))
    planned = wait_until(lambda: [d for d in store.meetings.meetings(network_id, kind=_kind())
                                  if d.host_member_id == members[1]], timeout=60)  # fmt: skip
    assert planned[0].day == TODAY + timedelta(45) and planned[0].agenda.startswith("Beteiligung von Kindern <script>")
    body = page.inner_text("body")
    assert "Traceback" not in body and "unerwarteter Fehler" not in body
    page.context.close()
    store.close()


def _kind():
    from qmkit.domain.network_meetings import MeetingKind

    return MeetingKind.QUALITAETSDIALOG
