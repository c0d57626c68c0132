"""End to end in Chromium: a QMB of an LQW institution writes the definition of successful learning, signs it
off, writes the five focal points of the first requirement, builds the Selbstreport and reads it in LibreOffice's
PDF (its second page is the README's screenshot)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

from qmkit.config import BUILTIN_STANDARDS
from qmkit.services.cycles import CycleService
from qmkit.store import Store
from qmkit.store.catalogs import discover
from tests.conftest import libreoffice_pdf_text

from .test_browser import browser, card, server, wait_for_page, wait_until  # noqa: F401 - fixtures

FOCAL = [
    "Lernende sollen Zutrauen gewinnen; darum beginnen wir jeden Kurs mit ihren Zielen.",
    "Zielgespräch zu Beginn, Lerntagebuch, Rückmeldung zur Halbzeit.",
    "Neun von zehn Lernenden nennen ein erreichtes Ziel (Befragung 2026).",
    "Auswertung jedes Semester im Team der Kursleitungen.",
    "Das Zielgespräch wird auch in Onlinekursen geführt; Änderungen für Ältere geplant.",
]


def test_definition_focal_points_and_the_selfreport_in_chromium(server, browser, tmp_path: Path):  # noqa: F811
    base, env = server
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    catalog = discover([BUILTIN_STANDARDS]).get("lqw")
    cycles = CycleService(store)
    inst = cycles.create_institution("VHS Talaue", qmb="R. Roth")
    cycle = cycles.create_cycle(inst.id, "Testierung 2027", catalog)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{base}/voila/render/Selbstbewertung.ipynb?zyklus={cycle.id}")
    wait_for_page(page)
    page.get_by_placeholder("Was ist für uns gelungenes Lernen – und warum?").fill(
        "Gelungenes Lernen heißt für uns: Menschen trauen sich mehr zu als vorher.\n\nSie wenden es im Alltag an."
    )
    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.get_by_text("Definition gespeichert (Fassung 1).").wait_for(timeout=60_000)
    page.get_by_placeholder("z. B. Leitung").fill("Frau Leitung")
    page.get_by_role("button", name="Freigeben").click()
    page.get_by_text("Fassung 1 freigegeben.").wait_for(timeout=60_000)
    first = catalog.requirements()[0]
    form = card(page, first)
    form.get_by_role("button", name="Fünf Schwerpunkte schreiben").click()
    labels = [
        "Begründung im Interesse der Lernenden/Kunden",
        "Verfahren und Methoden",
        "Ergebnisse",
        "Evaluation",
        "Schlussfolgerungen",
    ]
    for label, text in zip(labels, FOCAL, strict=True):
        box = form.get_by_placeholder(label, exact=True)
        box.fill(text)
        box.press("Tab")
    wait_until(lambda: len(store.written.narratives(cycle.id).get(first.id, {})) == 5, timeout=90)
    assert store.written.narratives(cycle.id)[first.id]["begruendung"] == FOCAL[0]
    form.get_by_text("Beschreibung: beschrieben").wait_for(timeout=60_000)
    page.get_by_role("button", name="Selbstreport als Word").click()
    link = page.locator("#qm-selfreport")
    link.wait_for(timeout=60_000)
    docx = tmp_path / "selbstreport.docx"
    docx.write_bytes(base64.b64decode((link.get_attribute("href") or "").split(",", 1)[1]))
    text, pages = libreoffice_pdf_text(docx, tmp_path)
    assert "Menschen trauen sich mehr zu als vorher." in text and "Lerntagebuch" in text and pages >= 5
    assert "freigegeben von Frau Leitung" in text
    if shutil.which("pdftoppm"):  # the page a reader sees (docs/selbstreport.png is one such page)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-f",
                "2",
                "-l",
                "2",
                "-png",
                "-singlefile",
                str(tmp_path / "selbstreport.pdf"),
                str(tmp_path / "seite2"),
            ],
            check=True,
        )
        assert (tmp_path / "seite2.png").stat().st_size > 10_000
    body = page.inner_text("body")
    assert "Traceback" not in body and "unerwarteter Fehler" not in body
    page.context.close()
    store.close()
