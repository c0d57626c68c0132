"""Plan and review sheets, read back from the saved files: in the checklist and as the plan alone."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.excel.checklist import build_workbook
from qmkit.excel.plan import build_plan_workbook, plan_filename
from qmkit.excel.style import save_workbook
from qmkit.services.demo import create_demo
from qmkit.services.selfeval import SelfEvaluation
from tests.conftest import plan

from .conftest import libreoffice_pdf_text

TODAY = date(2027, 3, 1)


@pytest.fixture
def planned(store, catalogs):
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    goal = plan(store, cycle.id).add_goal(
        title="Rücklauf erhöhen", indicator="Rücklaufquote %", numeric=True, target="60"
    )
    late = plan(store, cycle.id).add_measure(
        title='=HYPERLINK("http://example.invalid","x")',
        responsible="A. Keller",
        due="2027-01-31",
        goal_id=goal.id,
        requirement_ids=("QB1.1",),
    )
    done = plan(store, cycle.id).add_measure(title="Feedbackbogen", responsible="B. Yilmaz", due="2027-06-30")
    plan(store, done.cycle_id).set_review_field(done.id, "done_text", "Bogen eingeführt")
    plan(store, done.cycle_id).set_review_field(done.id, "effective", "ja")
    plan(store, done.cycle_id).set_review_field(done.id, "act", "standard")
    plan(store, cycle.id).set_pdca_score("QB1", "level", 60)
    plan(store, cycle.id).add_management_review(
        held_on="2027-02-15", participants="Leitung, QMB", decisions="+ weiter so"
    )
    plan(store, cycle.id).sign_off("A. Keller (Leitung)", "2027-02-16")
    return SelfEvaluation.open(store, cycle.id, catalogs).checklist_data(), late, done


def _rows(ws):
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def test_checklist_gains_plan_and_review_sheets(planned, tmp_path: Path):
    data, late, _done = planned
    path = save_workbook(build_workbook(data), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    for name in ("Ziele", "Maßnahmenplan", "PDCA-Review", "Managementbewertung"):
        assert name in wb.sheetnames
    plan = _rows(wb["Maßnahmenplan"])
    assert plan[0][:3] == ("Nr.", "Maßnahme", "Beschreibung")
    first = plan[1]
    assert first[1] == late.title and first[4] == "Rücklauf erhöhen" and first[7] == "31.01.2027"
    assert any("Freigegeben von A. Keller (Leitung) am 16.02.2027" in str(v) for r in plan for v in r)
    review = {r[0]: r for r in _rows(wb["PDCA-Review"])}
    assert review["Feedbackbogen"][1] == "wirksam" and review["Feedbackbogen"][2] == "Bogen eingeführt"
    assert review["Feedbackbogen"][7] == "als Standard beibehalten"
    assert any(str(r[0]).startswith("QB1 ") and r[1] == 60 and r[2] == "Check" for r in review.values())
    mgmt = _rows(wb["Managementbewertung"])
    assert mgmt[1][0] == "15.02.2027" and mgmt[1][3] == "+ weiter so"
    with zipfile.ZipFile(path) as z:  # user text never becomes a formula
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)


def test_plan_alone_marks_overdue_and_prints(planned, tmp_path: Path):
    data, _late, _done = planned
    wb = build_plan_workbook(data, TODAY)
    path = save_workbook(wb, tmp_path / plan_filename(data, TODAY))
    assert path.name.startswith("Massnahmenplan_Demo-Einrichtung_") and path.name.endswith("2027-03-01.xlsx")
    back = load_workbook(path)
    assert back.sheetnames == ["Deckblatt", "Ziele", "Maßnahmenplan", "PDCA-Review", "Managementbewertung"]
    cover = {r[0]: r[1] for r in back["Deckblatt"].iter_rows(min_row=3, max_col=2, values_only=True) if r[0]}
    assert cover["Maßnahmen"] == "2 insgesamt, davon 1 überfällig"
    assert cover["Freigabe"] == "Freigegeben von A. Keller (Leitung) am 16.02.2027"
    ws = back["Maßnahmenplan"]
    assert ws["I2"].value == "geplant – überfällig" and ws["A2"].fill.fgColor.rgb.endswith("FDECEA")
    assert ws["I3"].value == "wirksam" and not ws["A3"].fill.fgColor.rgb.endswith("FDECEA")
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    text, pages = libreoffice_pdf_text(path, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert "Maßnahmenplan und PDCA-Review" in flat and "=HYPERLINK(" in flat
    assert "Freigegeben von A. Keller (Leitung)" in flat and pages >= 5
