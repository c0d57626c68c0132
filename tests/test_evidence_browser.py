"""End to end in Chromium: upload evidence, link it, see the readiness rise, build the package, follow its index."""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from qmkit.catalog import discover
from qmkit.config import BUILTIN_STANDARDS
from qmkit.package import HTML_INDEX, INDEX_SHEET
from qmkit.store import Store

from .test_browser import browser, server, wait_for_page, wait_until  # noqa: F401 - fixtures


def _ready_percent(page) -> int:
    page.get_by_text("Bereit:").wait_for()
    return int(re.search(r"Bereit: (\d+) %", page.inner_text(".qm-readiness-total")).group(1))


def test_upload_link_readiness_package_index(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    catalog = discover([BUILTIN_STANDARDS]).get("lqw")
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    inst = store.create_institution("Nachweis-VHS", qmb="N. Weis")
    cycle = store.create_cycle(inst.id, "Testierung 2027", catalog)
    store.set_assessment_field(cycle.id, "L1.1", "rating", "erfuellt", "N. Weis")
    store.set_assessment_field(cycle.id, "L1.1", "implementation", "Leitbild mit allen Teams erarbeitet.", "N. Weis")
    evidence = tmp_path / "Leitbild <2026>.txt"
    evidence.write_text("Leitbild der Nachweis-VHS: gelungenes Lernen ist …", encoding="utf-8")
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()

    page.goto(f"{base}/voila/render/Einreichung.ipynb?zyklus={cycle.id}")
    wait_for_page(page)
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
    [link] = wait_until(lambda: store.evidence_for_cycle(cycle.id))
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
