"""The one route list: every notebook has its route, every builder exists, the links come from the list."""

from __future__ import annotations

import json
from pathlib import Path

from qmkit.ui.routes import ROUTES, nav_routes, start_routes
from qmkit.ui.widgets.common import nav_html

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_every_notebook_has_its_route():
    shown = {}
    for path in NOTEBOOKS.glob("*.ipynb"):
        source = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        shown[path.name] = source.split('page("', 1)[1].split('"', 1)[0]
    assert shown == {r.notebook: r.name for r in ROUTES}


def test_every_builder_is_a_function_of_its_page_module():
    for route in ROUTES:
        assert callable(route.load()), route.name


def test_navigation_and_start_links_come_from_the_list():
    html = nav_html("planung", 7)
    assert [r.name for r in nav_routes()][:2] == ["start", "selbstbewertung"]
    assert 'href="Start.ipynb"' in html and '<a href="Qualitaetsplanung.ipynb?zyklus=7" class="qm-active">' in html
    assert "Katalog" not in html and "Teilnahme" not in html
    assert start_routes()[0].name == "selbstbewertung" and start_routes()[0].start_id == "qm-open-selfeval"


def test_a_page_kernel_loads_only_its_own_page():
    """Memory per kernel: the start page's kernel does not load the Excel and upload code of other pages."""
    import subprocess
    import sys

    code = (
        "import sys; from qmkit.ui.app import _import_pages; _import_pages(sys.argv[1]); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'anywidget'})))"
    )
    loaded = {
        page: subprocess.run([sys.executable, "-c", code, page], capture_output=True, text=True, check=True).stdout
        for page in ("start", "selbstbewertung")
    }
    assert loaded["start"].strip() == ""
    assert "openpyxl" in loaded["selbstbewertung"]


def test_the_start_page_links_every_step_of_a_cycle_including_rueckmeldung():
    """The start page's "Weiter" list names each page a QMB works in, Rückmeldung after Einreichung."""
    names = [r.name for r in start_routes()]
    assert names.index("rueckmeldung") == names.index("einreichung") + 1
    assert {"selbstbewertung", "planung", "review", "nachweise", "fristen", "befragung"} <= set(names)
