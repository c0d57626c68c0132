"""The checklist opens in LibreOffice headless and prints what the store holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qmkit.excel.checklist import build_workbook
from qmkit.excel.style import save_workbook
from qmkit.services.cycles import CycleService
from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation
from tests.conftest import taking_part, workshops

from .conftest import libreoffice_pdf_text

pytestmark = pytest.mark.libreoffice


def test_libreoffice_reads_and_prints_the_checklist(store, catalogs, tmp_path: Path):
    cycle, _ = create_demo(store, catalogs.get("lqw"))
    ev = SelfEvaluation.open(store, cycle.id, catalogs)
    ev.set_text("L1.1", "implementation", '=HYPERLINK("http://example.invalid";"x")')
    ev.rate("L1.1", "in_arbeit")
    path = save_workbook(build_workbook(ev.checklist_data()), tmp_path / "lqw.xlsx")
    text, pages = libreoffice_pdf_text(path, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert pages >= 1 + 1 + 11  # cover, summary, eleven areas at least
    assert "Checkliste Selbstbewertung" in flat and "Demo-Einrichtung" in flat
    assert "=HYPERLINK(" in flat  # shown as text, not evaluated
    assert "in Arbeit" in flat
    assert "Strategische Entwicklungsziele" in flat
    assert "Seite 1 von" in flat


def test_libreoffice_prints_the_workshop_report(store, catalogs, tmp_path: Path):
    """The workshop report opens and prints: results with consensus and dissent, comments as text, no names."""
    from qmkit.excel.workshop import build_workshop_workbook

    catalog = catalogs.get("qm4")
    inst = CycleService(store).create_institution("Familienzentrum Süd")
    cycle = CycleService(store).create_cycle(inst.id, "2027", catalog)
    reqs = [r.id for r in catalog.requirements()[:5]]
    ws = workshops(store, cycle.id).create(title="Teamtag", requirement_ids=reqs)
    for i in range(4):
        person = taking_part(store, ws.id).join(display_name=f"Person {i}", role_group="Leitung")
        for k, req in enumerate(reqs):
            value = catalog.scale.values[(i + k) % 3].value
            taking_part(store, person.workshop_id).rate(
                person, req, value, '=HYPERLINK("x")' if i == 0 and k == 0 else ""
            )
    workshops(store, ws.cycle_id).record_consensus(
        ws, reqs[0], catalog.scale.values[1].value, "Weil es so ist", "Eine Person: strenger"
    )
    data = SelfEvaluation.open(store, cycle.id, catalogs).checklist_data()
    path = save_workbook(build_workshop_workbook(data, workshops(store, ws.cycle_id).result(ws)), tmp_path / "ws.xlsx")
    text, pages = libreoffice_pdf_text(path, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert pages >= 3
    assert "Workshop-Bericht: Teamtag" in flat and "Familienzentrum Süd" in flat
    assert "Weil es so ist" in flat and "Eine Person: strenger" in flat
    assert '=HYPERLINK("x")' in flat
    assert "Person 0" not in flat  # an anonymous workshop prints no names


def test_the_printed_page_header_stands_above_the_title(store, catalogs, tmp_path: Path):
    """Page 1 of the printed checklist: the header (institution, cycle) ends above the title's first line."""
    import subprocess

    cycle, _ = create_demo(store, catalogs.get("qm4"))
    path = save_workbook(
        build_workbook(SelfEvaluation.open(store, cycle.id, catalogs).checklist_data()), tmp_path / "c.xlsx"
    )
    libreoffice_pdf_text(path, tmp_path)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(tmp_path / "c.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words: dict[str, tuple[float, float]] = {}
    for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', boxes):
        words.setdefault(m.group(3), (float(m.group(1)), float(m.group(2))))  # the first (topmost) occurrence
    header_bottom = words["Demo-Einrichtung"][1]
    title_top = words["Checkliste"][0]
    assert header_bottom < title_top, (header_bottom, title_top)
