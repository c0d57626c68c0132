"""Project promises: dependencies agree, the core never imports widgets, the README's quick start holds."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d.replace(" ", "") for d in env["dependencies"] if isinstance(d, str)}
    for dep in project["dependencies"]:
        assert _name(dep) in conda, f"{dep} fehlt in environment.yml"
        plain = re.sub(r"\[[^\]]*\]", "", dep).replace(" ", "")  # conda knows no extras such as [binary]
        assert conda[_name(dep)] == plain, f"Versionen weichen ab: {dep} / {conda[_name(dep)]}"
    extra = set(conda) - {_name(d) for d in project["dependencies"]} - {"python", "pip"}
    assert not extra, f"nur in environment.yml: {extra}"


def test_core_modules_never_import_widgets():
    """Every module outside ``qmkit.ui`` imports without widgets, Voilà or IPython – except the server's handler
    module, which extends Voilà's handlers and is imported only inside a starting server (qmkit.server.app)."""
    code = (
        "import importlib, pkgutil, sys, qmkit\n"
        "mods = pkgutil.walk_packages(qmkit.__path__, 'qmkit.')\n"
        "skip = ('qmkit.ui', 'qmkit.server.handlers')\n"
        "names = [m.name for m in mods if not m.name.startswith(skip) and not m.name.endswith('__main__')]\n"
        "assert len(names) > 30, names\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m.startswith(('ipywidgets', 'voila', 'IPython'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_participant_pages_load_no_excel_or_widget_code():
    """The participant server's pages (workshop and survey) import no openpyxl, pandas or widgets."""
    code = (
        "import sys, qmkit, qmkit.server.workshop_pages, qmkit.server.survey_pages\n"
        "heavy = [m for m in ('openpyxl', 'pandas', 'numpy', 'ipywidgets') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_readme_quick_start_is_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)$", quick, flags=re.M)
    assert commands == ["make run", "make test"]
    assert "127.0.0.1" in readme and "QMKIT_DATA" in readme and "QMKIT_DB" in readme


def test_notebooks_are_thin():
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert len(code) == 1 and code[0].startswith("import qmkit") and code[0].count("\n") <= 3, path.name
