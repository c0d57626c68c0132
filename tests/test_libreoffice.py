"""The checklist opens in LibreOffice headless and prints what the store holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qmkit.demo import create_demo
from qmkit.excel import build_workbook, save_workbook
from qmkit.selfeval import SelfEvaluation

from .conftest import libreoffice_pdf_text

pytestmark = pytest.mark.libreoffice


def test_libreoffice_reads_and_prints_the_checklist(store, catalogs, tmp_path: Path):
    cycle, _ = create_demo(store, catalogs.get("lqw"))
    ev = SelfEvaluation.open(store, cycle.id, catalogs)
    ev.set_text("L1.1", "implementation", '=HYPERLINK("http://example.invalid";"x")')
    ev.rate("L1.1", "auflage")
    path = save_workbook(build_workbook(ev.checklist_data()), tmp_path / "lqw.xlsx")
    text, pages = libreoffice_pdf_text(path, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert pages >= 1 + 1 + 11  # cover, summary, eleven areas at least
    assert "Checkliste Selbstbewertung" in flat and "Demo-Einrichtung" in flat
    assert "=HYPERLINK(" in flat  # shown as text, not evaluated
    assert "erfüllt mit Auflage" in flat
    assert "Strategische Entwicklungsziele" in flat
    assert "Seite 1 von" in flat
