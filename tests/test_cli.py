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
    assert [line.split()[0] for line in out.splitlines()] == ["dkbm", "lqw", "qesplus", "qmf", "qm4"]
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
