"""The house by domain, checked from the code: who may import whom, and how big a room may grow.

Data flows one way: page or CLI → service → store → database. The domain imports no I/O layer; the store
imports only the domain; no page reaches the store. These tests read the source (``ast``), run nothing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qmkit"

# layer → the qmkit layers it must not import (top-level and lazy imports alike)
FORBIDDEN = {
    "domain": ("store", "services", "excel", "documents", "server", "ui", "cli", "config"),
    "store": ("services", "excel", "documents", "server", "ui", "cli"),
    "services": ("excel", "documents", "server", "ui", "cli"),
    "excel": ("store", "server", "ui", "cli"),
    "documents": ("store", "server", "ui", "cli"),
    "server": ("excel", "documents", "ui", "cli"),
    "ui": ("store", "cli"),
}

# The one place of the UI that opens the store (and the catalog files) and hands services to the pages.
COMPOSITION_ROOT = PACKAGE / "ui" / "app.py"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "locale" not in p.parts)


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (type names only, no dependency at run time)."""
    skip = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(block)
    }
    return [n for n in ast.walk(tree) if id(n) not in skip]


def _imports(path: Path) -> list[str]:
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # ``from qmkit.store import tables`` imports the module qmkit.store.tables
                sub = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / sub.replace(".", "/")).with_suffix(".py").exists()
                found.append(sub if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
    return [m for m in found if m == "qmkit" or m.startswith("qmkit.")]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_layer_imports_only_what_lies_below_it(path: Path):
    forbidden = FORBIDDEN.get(_layer(path), ())
    if path == COMPOSITION_ROOT:
        forbidden = tuple(f for f in forbidden if f != "store")
    wrong = [m for m in _imports(path) if len(m.split(".")) > 1 and m.split(".")[1] in forbidden]
    assert not wrong, f"{path.relative_to(PACKAGE)} importiert {wrong}"


def test_no_page_touches_the_store():
    """Pages call services; ``.store`` appears in no page or widget module (only the composition root opens it)."""
    offenders = []
    for path in (PACKAGE / "ui").rglob("*.py"):
        if path == COMPOSITION_ROOT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders


def test_rooms_stay_small():
    """No module over 400 lines, no class over 300, no function over 60."""
    too_big = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE))
        if len(text.splitlines()) > 400:
            too_big.append(f"{name}: {len(text.splitlines())} Zeilen")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                limit = 300 if isinstance(node, ast.ClassDef) else 60
                if lines > limit:
                    too_big.append(f"{name}:{node.lineno} {node.name}: {lines} Zeilen")
    assert not too_big, "\n".join(too_big)


def test_no_widget_changes_a_shared_layout():
    """:func:`qmkit.ui.widgets.common.make` shares Layout models between widgets of the same settings: a page that
    sets ``widget.layout.display`` on one hides every widget sharing it (a reader lost all rows of buttons that
    way). Settings go into ``make``; showing and hiding goes through ``shown`` (a CSS class)."""
    changed = re.compile(r"\.layout\.\w+\s*=[^=]")
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted((PACKAGE / "ui").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if changed.search(line) and "own Layout" not in line
    ]
    assert found == [], "Layout geändert statt make(..., layout=...) oder shown(): " + ", ".join(found)


def test_no_import_circle():
    graph = {}
    for path in _modules():
        rel = path.relative_to(PACKAGE).with_suffix("")
        name = ".".join(("qmkit", *rel.parts)).removesuffix(".__init__")
        graph[name] = {m for m in _imports(path) if m != name}
    names = set(graph)
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ()) & names):
            if seen.get(nxt) == 1:
                raise AssertionError("Importkreis: " + " → ".join([*stack[stack.index(nxt) :], nxt]))
            if nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for name in sorted(names):
        if name not in seen:
            visit(name)


def test_every_store_write_runs_again_after_a_collision():
    """A store method that opens a write transaction carries ``@retrying`` (PostgreSQL ends a colliding one)."""
    missing = []
    for path in sorted((PACKAGE / "store").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and "self.db.write()" in ast.unparse(node):
                if "retrying" not in [ast.unparse(d) for d in node.decorator_list]:
                    missing.append(f"{path.name}:{node.lineno} {node.name}")
    assert missing == []


# Service methods that write without a role: a workshop participant answers with the join link (anonymous by
# design, no log-in).
WRITES_WITHOUT_ROLE = {
    "workshop.py:Participation.join",
    "workshop.py:Participation.rate",
    "workshop.py:Participation.rate_all",
    "surveys.py:Respondents.respond",  # a survey respondent answers with the link or a paper code (anonymous)
}


def _store_writes() -> set[str]:
    names = set()
    for path in (PACKAGE / "store").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and "retrying" in [ast.unparse(d) for d in node.decorator_list]:
                names.add(node.name)
    return names


def _checks_role(node: ast.FunctionDef) -> bool:
    decorators = [ast.unparse(d) for d in node.decorator_list]
    body = ast.unparse(node)
    network_checks = (
        "self.require_coordinator(",
        "self.require_member(",
        "self.networks.require_",
        "self._survey(",
        "self._require(",  # an inspection's roles (koordination, gastgebend, begehungsteam)
    )
    return (
        any(d.startswith("needs(") for d in decorators)
        or ".access.require" in body
        or any(check in body for check in network_checks)
    )


def test_every_service_write_checks_the_role():
    """A service method that changes the store carries ``@needs(Right.…)`` or checks the role itself."""
    writes = _store_writes()
    unchecked = []
    for path in sorted((PACKAGE / "services").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scopes = [(f"{c.name}.", c.body) for c in tree.body if isinstance(c, ast.ClassDef)] + [("", tree.body)]
        for prefix, body in scopes:
            for node in body:
                if not isinstance(node, ast.FunctionDef):
                    continue
                calls = {
                    c.func.attr
                    for c in ast.walk(node)
                    if isinstance(c, ast.Call)
                    and isinstance(c.func, ast.Attribute)
                    and ast.unparse(c.func.value).startswith("self.store.")
                }
                name = f"{path.name}:{prefix}{node.name}"
                if calls & writes and not _checks_role(node) and name not in WRITES_WITHOUT_ROLE:
                    unchecked.append(name)
    assert unchecked == []
