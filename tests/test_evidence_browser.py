"""End to end in Chromium (issue 5): evidence → readiness → package → index link; the checklist round trip
through the page; the certificate date on the Fristen page and its calendar; the assessors' feedback report
read from the returned checklist and turned into a measure."""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from qmkit.config import BUILTIN_STANDARDS
from qmkit.documents.package import HTML_INDEX, INDEX_SHEET
from qmkit.services.cycles import CycleService
from qmkit.store import Store
from qmkit.store.catalogs import discover

from .test_browser import browser, server, wait_for_page, wait_until  # noqa: F401 - fixtures


def _ready_percent(page) -> int:
    page.get_by_text("Bereit:").wait_for()
    return int(re.search(r"Bereit: (\d+) %", page.inner_text(".qm-readiness-total")).group(1))


def _new_cycle(env, catalog_id: str, institution: str, qmb: str, name: str):
    """A store on the server's database with a new institution and cycle (what the start page would make)."""
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    inst = CycleService(store).create_institution(institution, qmb=qmb)
    return store, CycleService(store).create_cycle(inst.id, name, discover([BUILTIN_STANDARDS]).get(catalog_id))


def _open(chromium, base: str, notebook: str, cycle_id: int, locale: str = "de-DE"):
    page = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale=locale).new_page()
    page.goto(f"{base}/voila/render/{notebook}?zyklus={cycle_id}")
    wait_for_page(page)
    return page


def test_upload_link_readiness_package_index(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store, cycle = _new_cycle(env, "lqw", "Nachweis-VHS", "N. Weis", "Testierung 2027")
    store.assessments.set_field(cycle.id, "L1.1", "rating", "beschrieben", "N. Weis")
    store.assessments.set_field(cycle.id, "L1.1", "implementation", "Leitbild mit allen Teams erarbeitet.", "N. Weis")
    evidence = tmp_path / "Leitbild <2026>.txt"
    evidence.write_text("Leitbild der Nachweis-VHS: gelungenes Lernen ist …", encoding="utf-8")
    page = _open(browser, base, "Einreichung.ipynb", cycle.id)
    before = _ready_percent(page)
    # the finding of L1.1 links to the register with L1.1 chosen
    finding = page.locator("ul.qm-findings > li", has_text="L1.1").locator("a", has_text="beheben")
    finding.click()
    wait_for_page(page)
    assert "Nachweise.ipynb" in page.url and "anforderung=L1.1" in page.url
    with page.expect_file_chooser() as chooser:
        page.locator(".qm-upload-button").click()
    chooser.value.set_files(str(evidence))
    page.get_by_text("ist im Register gespeichert").wait_for(timeout=30_000)
    [link] = wait_until(lambda: store.evidence.of_cycle(cycle.id))
    assert link.requirement_id == "L1.1" and link.document.file_name == "Leitbild <2026>.txt"
    assert link.document.file_size == evidence.stat().st_size

    page.locator(".qm-nav a", has_text="Einreichung").click()
    wait_for_page(page)
    after = _ready_percent(page)
    assert after > before
    page.get_by_role("button", name="Einreichungspaket erstellen").click()
    page.get_by_text("Dateien im Paket").wait_for(timeout=60_000)
    archive = next(Path(env["QMKIT_EXPORTS"]).glob("Einreichung_*.zip"))
    href = page.locator("#qm-package-download").get_attribute("href")
    assert base64.b64decode(href.split(",", 1)[1]) == archive.read_bytes()  # the download is the saved file

    out = tmp_path / "entpackt"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out)
    sheet = load_workbook(next(out.glob("*.xlsx")))[INDEX_SHEET]
    target = next(r[4].hyperlink.target for r in sheet.iter_rows(min_row=2) if r[4].hyperlink)
    assert (out / target).read_bytes() == evidence.read_bytes()
    index = browser.new_page()
    index.goto((out / HTML_INDEX).as_uri())
    index.locator("a", has_text="Leitbild").click()
    index.wait_for_load_state()
    assert index.url.startswith((out / "Nachweise").as_uri() + "/")
    assert "gelungenes Lernen" in index.inner_text("body")


def test_checklist_round_trip_through_the_page(server, browser, tmp_path: Path):  # noqa: F811
    """Export on the page, fill in 'Excel', upload through the file chooser, see the preview, apply the choice."""
    base, env = server
    store, cycle = _new_cycle(env, "qm4", "Rücklauf-Akademie", "R. Lauf", "2027")
    page = _open(browser, base, "Einlesen.ipynb", cycle.id)
    page.get_by_role("button", name="Checkliste exportieren").click()
    href = page.locator("#qm-download").get_attribute("href", timeout=60_000)
    exported = tmp_path / "Checkliste.xlsx"
    exported.write_bytes(base64.b64decode(href.split(",", 1)[1]))
    book = load_workbook(exported)
    sheet = next(ws for ws in book.worksheets if ws.cell(1, 1).value == "ID")
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("Umsetzung in der Einrichtung") + 1).value = "Im Team ausgefüllt"
    sheet.cell(3, header.index("Verantwortlich") + 1).value = "Frau Offline"
    first, second = sheet.cell(2, 1).value, sheet.cell(3, 1).value
    filled = tmp_path / "Checkliste ausgefüllt.xlsx"
    book.save(filled)
    before = store.assessments.of_cycle(cycle.id)

    with page.expect_file_chooser() as chooser:
        page.locator(".qm-upload-button").click()
    chooser.value.set_files(str(filled))
    page.get_by_text("2 neu, 0 geändert, 0 Konflikte").wait_for(timeout=30_000)
    assert store.assessments.of_cycle(cycle.id) == before  # the preview changed nothing
    page.locator(".qm-page input[type=checkbox]").nth(1).uncheck()  # leave the second change out
    page.get_by_text("1 von 2 gewählt").wait_for()
    page.get_by_role("button", name="Ausgewählte übernehmen").click()
    page.get_by_text("1 Änderung aus").wait_for(timeout=30_000)
    answers = wait_until(lambda: store.assessments.of_cycle(cycle.id) or None)
    assert answers[first].implementation == "Im Team ausgefüllt"
    assert second not in answers or answers[second].responsible == ""


def test_deadlines_page_saves_the_certificate_and_offers_the_calendar(server, browser):  # noqa: F811
    base, env = server
    store, cycle = _new_cycle(env, "lqw", "Fristen-VHS", "F. Rist", "Testierung 2027")
    page = _open(browser, base, "Fristen.ipynb", cycle.id, locale="en-US")  # an English browser: still TT.MM.JJJJ
    picker = page.locator(".qm-card", has_text="Zertifikat / Testat erteilt am").locator("input.qm-date-text").first
    assert picker.get_attribute("placeholder") == "TT.MM.JJJJ"
    picker.fill("24.5.27")  # typed short, shown in full – whatever the browser's language
    picker.press("Tab")
    page.get_by_text("Gültig bis 23.05.2031").wait_for(timeout=30_000)
    assert wait_until(lambda: store.timeline.certification(cycle.id).certified_on).isoformat() == "2027-05-24"
    assert picker.input_value() == "24.05.2027"
    page.locator(".qm-tl-row", has_text="Anmeldung zur Retestierung").get_by_text("23.08.2030").wait_for()
    page.get_by_role("button", name="Fristen als Kalender (.ics)").click()
    href = page.locator("#qm-ics-download").get_attribute("href", timeout=30_000)
    ics = base64.b64decode(href.split(",", 1)[1])
    assert b"DTSTART;VALUE=DATE:20300823" in ics and b"BEGIN:VALARM" in ics


def test_feedback_report_from_the_returned_checklist_to_a_measure(server, browser, tmp_path: Path):  # noqa: F811
    from qmkit.excel.checklist import build_workbook
    from qmkit.services.selfeval import SelfEvaluation

    base, env = server
    store, cycle = _new_cycle(env, "qm4", "Rückmelde-Akademie", "R. Meldung", "2027")
    book = build_workbook(SelfEvaluation.open(store, cycle.id, discover([BUILTIN_STANDARDS])).checklist_data())
    sheet = next(ws for ws in book.worksheets if ws.cell(1, 1).value == "ID")
    header = [c.value for c in sheet[1]]
    first, second = sheet.cell(2, 1).value, sheet.cell(3, 1).value
    sheet.cell(2, header.index("Ergebnis Gutachter*in") + 1).value = "Auflage"
    sheet.cell(2, header.index("Anmerkung Gutachter*in") + 1).value = "Beschwerdeweg <img src=x onerror=alert(1)>"
    sheet.cell(3, header.index("Ergebnis Gutachter*in") + 1).value = "erfüllt"
    returned = tmp_path / "Rückmeldung der Gutachter.xlsx"
    book.save(returned)
    page = _open(browser, base, "Rueckmeldung.ipynb", cycle.id)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with page.expect_file_chooser() as chooser:
        page.locator(".qm-upload-button").click()
    chooser.value.set_files(str(returned))
    page.get_by_text("2 neue Rückmeldungen, 0 geändert").wait_for(timeout=30_000)
    assert store.feedback.findings(cycle.id) == {}  # the preview stored nothing
    page.get_by_role("button", name="Ausgewählte übernehmen").click()
    page.get_by_text("2 Rückmeldungen aus").wait_for(timeout=30_000)
    findings = wait_until(lambda: store.feedback.findings(cycle.id) or None)
    assert findings[first].kind == "auflage" and findings[second].kind == "erfuellt"
    row = page.locator(".qm-card", has_text=f"{first} ").filter(has_text="Maßnahme fehlt").last  # the row's card
    assert row.locator("textarea").input_value() == "Beschwerdeweg <img src=x onerror=alert(1)>"  # text, never run
    row.get_by_role("button", name="Maßnahme anlegen").click()
    page.get_by_text("Sie steht jetzt in der Qualitätsplanung").wait_for(timeout=30_000)
    [measure] = wait_until(lambda: store.plans.measures(cycle.id) or None)
    assert measure.requirement_ids == (first,) and measure.responsible == "R. Meldung"
    assert store.feedback.findings(cycle.id)[first].measure_id == measure.id and dialogs == []
