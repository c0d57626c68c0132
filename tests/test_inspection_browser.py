"""End to end in Chromium: a peer opens the collegial inspection of the demo network, writes what was seen (saved
as typed), the host's statement is refused to the peer, and the Begehungsbericht downloads as a Word file that
python-docx reads back."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from docx import Document as read_docx

from qmkit.config import BUILTIN_STANDARDS
from qmkit.services.demo_network import create_demo_network
from qmkit.store import Store
from qmkit.store.catalogs import discover

from .test_browser import browser, server, wait_for_page, wait_until  # noqa: F401 - fixtures


def test_the_inspection_page_saves_findings_as_typed_and_builds_the_report(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    network, _new = create_demo_network(store, discover([BUILTIN_STANDARDS]), "qmf", 5)
    held = next(i for r in store.networks.rounds(network.id) for i in store.inspections.of_round(r.id))
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Begehung.ipynb?netzwerk={network.id}&begehung={held.id}")
    wait_for_page(page)
    page.get_by_text("Schwerpunktthemen der Runde").wait_for(timeout=60_000)
    page.locator("#qm-inspection").wait_for(timeout=60_000)
    seen = page.locator(".widget-textarea", has_text="Was wir gesehen haben").nth(2).locator("textarea")
    seen.fill('Die Bereitschaft ist auf einem Aushang im Flur genannt. =HYPERLINK("http://x")')
    seen.press("Tab")
    page.locator(".qm-saved").first.wait_for(timeout=60_000)
    topic = store.inspections.topics(held.round_id)[1]  # the third box: the second topic's first question
    found = wait_until(
        lambda: [f for f in store.inspections.findings(held.id) if f.topic_id == topic.id and f.question == 0 and
                 f.seen.startswith("Die Bereitschaft")],
        timeout=60,
    )  # fmt: skip
    assert found[0].seen.endswith('=HYPERLINK("http://x")')
    page.get_by_role("button", name="Bericht als Word").click()
    link = page.locator("#qm-inspection-docx")
    link.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "begehung.png"), full_page=True)
    href = link.get_attribute("href") or ""
    doc = read_docx(io.BytesIO(base64.b64decode(href.split(",", 1)[1])))
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert 'Die Bereitschaft ist auf einem Aushang im Flur genannt. =HYPERLINK("http://x")' in cells
    body = page.inner_text("body")
    assert "Traceback" not in body and "unerwarteter Fehler" not in body
    page.context.close()
    store.close()
