"""The qmkit command as people and scripts use it: output, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from qmkit.cli import main
from qmkit.config import BUILTIN_STANDARDS


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_catalog_list(capsys):
    code, out, _err = run(capsys, "catalog", "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["dkbm", "kqb", "lqw", "qesplus", "qmf", "qm4"]
    assert "11 Bereiche   33 Anforderungen" in out


def test_catalog_validate(capsys, tmp_path: Path):
    code, out, _ = run(capsys, "catalog", "validate", str(BUILTIN_STANDARDS / "lqw.yaml"))
    assert code == 0 and "gültig – lqw" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: y\nversion: 1\nsource: s\nscale: {values: []}\nprocedure: {}\nareas: []\n")
    code, out, _ = run(capsys, "catalog", "validate", str(bad), str(BUILTIN_STANDARDS / "qm4.yaml"))
    problems = [line for line in out.splitlines() if line.startswith(str(bad))]
    assert code == 1
    assert len(problems) >= 3 and all("Zeile" in p for p in problems)
    assert any("procedure.name" in p for p in problems) and any("areas" in p for p in problems)
    assert "gültig – qm4" in out
    code, out, _ = run(capsys, "catalog", "validate", str(tmp_path / "fehlt.yaml"))
    assert code == 1 and "kann nicht gelesen werden" in out


def test_demo_and_export(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    code, out, _ = run(capsys, "demo", "--catalog", "qesplus")
    assert code == 0 and "angelegt" in out
    code, out, _ = run(capsys, "demo", "--catalog", "qesplus")
    assert code == 0 and "gibt es schon" in out
    code, out, _ = run(capsys, "export", "checklist")
    assert code == 0
    [path] = (tmp_path / "exports").glob("Checkliste_Demo-Einrichtung_*.xlsx")
    assert str(path) in out
    assert load_workbook(path)["Deckblatt"]["B5"].value == "QESplus (Arbeitskatalog)"
    target = tmp_path / "genau.xlsx"
    code, _, _ = run(capsys, "export", "checklist", "--institution", "Demo-Einrichtung", "--out", str(target))
    assert code == 0 and target.exists()
    code, out, _ = run(capsys, "export", "plan")
    [plan] = (tmp_path / "exports").glob("Massnahmenplan_Demo-Einrichtung_*.xlsx")
    assert code == 0 and str(plan) in out
    assert load_workbook(plan).sheetnames == [
        "Deckblatt",
        "Ziele",
        "Maßnahmenplan",
        "PDCA-Review",
        "Managementbewertung",
    ]


def test_errors_are_one_line_without_traceback(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "leer"))
    code, _, err = run(capsys, "export", "checklist")
    assert code == 1 and err.count("\n") == 1 and err.startswith("Fehler: Kein passender Zyklus")
    code, _, err = run(capsys, "export", "checklist", "--institution", "Gibt es nicht")
    assert code == 1 and "gibt es nicht" in err and "Traceback" not in err
    code, _, err = run(capsys, "demo", "--catalog", "unbekannt")
    assert code == 1 and "nicht geladen" in err


def test_console_script_is_installed():
    result = subprocess.run(
        [Path(sys.executable).parent / "qmkit", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "serve" in result.stdout and "catalog" in result.stdout


def _demo_checklist(capsys, tmp_path: Path, monkeypatch, name: str):
    """A demo cycle in a fresh data folder and its exported checklist: path, workbook, first area sheet, headings."""
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    assert run(capsys, "demo", "--catalog", "qm4")[0] == 0
    out_file = tmp_path / name
    assert run(capsys, "export", "checklist", "--out", str(out_file))[0] == 0
    book = load_workbook(out_file)
    area = book.worksheets[2]
    return out_file, book, area, [c.value for c in area[1]]


def test_import_checklist_preview_then_apply(capsys, tmp_path: Path, monkeypatch):
    """`qmkit import checklist`: a preview that changes nothing, then --apply takes over what has no conflict."""
    out_file, book, area, header = _demo_checklist(capsys, tmp_path, monkeypatch, "liste.xlsx")
    req_id = area.cell(2, 1).value
    area.cell(2, header.index("Verantwortlich") + 1).value = "Team Verwaltung"
    area.cell(3, header.index("Selbstbewertung") + 1).value = "gut"
    book.save(out_file)
    code, out, _err = run(capsys, "import", "checklist", str(out_file))
    assert code == 0 and ("1 geändert" in out or "1 neu" in out)
    assert f"{req_id}" in out and "„Team Verwaltung“" in out and "kein Wert der Skala" in out
    assert "Mit --apply" in out
    from qmkit.store import Store

    store = Store()
    assert store.assessments.get(store.cycles.latest().id, req_id).responsible != "Team Verwaltung"
    code, out, _err = run(capsys, "import", "checklist", str(out_file), "--apply")
    assert code == 0 and "1 Änderungen übernommen" in out
    assert store.assessments.get(store.cycles.latest().id, req_id).responsible == "Team Verwaltung"
    assert store.assessments.get(store.cycles.latest().id, req_id).changed_by == "Excel-Import"
    store.close()
    (tmp_path / "kaputt.xlsx").write_text("ID;Bewertung\n")
    code, _out, err = run(capsys, "import", "checklist", str(tmp_path / "kaputt.xlsx"))
    assert code == 1 and err.startswith("Fehler: „kaputt.xlsx“ ist keine Excel-Datei")


def test_import_feedback_preview_then_apply(capsys, tmp_path: Path, monkeypatch):
    """`qmkit import feedback`: the assessors' columns as a preview, --apply stores new findings only."""
    out_file, book, area, header = _demo_checklist(capsys, tmp_path, monkeypatch, "zurück.xlsx")
    first, second = area.cell(2, 1).value, area.cell(3, 1).value
    area.cell(2, header.index("Ergebnis Gutachter*in") + 1).value = "Auflage"
    area.cell(2, header.index("Anmerkung Gutachter*in") + 1).value = "Beschwerdeweg festlegen."
    area.cell(3, header.index("Anmerkung Gutachter*in") + 1).value = "Nicht erfüllt: fehlt."
    book.save(out_file)
    from qmkit.services.feedback_report import FeedbackReport
    from qmkit.store import Store
    from qmkit.store.catalogs import discover

    store = Store()
    cycle_id = store.cycles.latest().id
    FeedbackReport.open(store, cycle_id, discover()).set(second, "text", "schon getippt", "QMB")
    code, out, _err = run(capsys, "import", "feedback", str(out_file))
    assert code == 0 and "1 neue Rückmeldungen, 1 geändert" in out
    assert f"{first}" in out and "Auflage: „Beschwerdeweg festlegen.“" in out and "Mit --apply" in out
    assert first not in store.feedback.findings(cycle_id)
    code, out, _err = run(capsys, "import", "feedback", str(out_file), "--apply")
    assert code == 0 and "1 Rückmeldungen übernommen; 1 gespeicherte nicht ersetzt" in out
    findings = store.feedback.findings(cycle_id)
    assert findings[first].kind == "auflage" and findings[first].changed_by == "Excel-Import"
    assert findings[second].text == "schon getippt"
    code, out, _err = run(capsys, "import", "feedback", str(out_file), "--apply", "--replace")
    assert code == 0 and store.feedback.findings(cycle_id)[second].kind == "nicht_erfuellt"
    store.close()
