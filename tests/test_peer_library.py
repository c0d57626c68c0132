"""Framework libraries of CISO Assistant (its YAML library files and its Excel form) load as qmkit catalogs."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from qmkit.cli import main
from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.catalog import Catalog, CatalogSet, Group
from qmkit.errors import InputError
from qmkit.excel.catalog_source import draft, open_source, proposal
from qmkit.store.catalogs import discover, load_catalog
from qmkit.ui.pages.catalog_import import CatalogImportPage

URN = "urn:intuitem:risk:req_node:bsi-isms"
LIBRARY_YAML = f"""\
urn: urn:intuitem:risk:library:bsi-isms-test
locale: de
ref_id: bsi-isms-test
name: "IT-Grundschutz-Kompendium – ISMS: Sicherheitsmanagement"
description: Auszug für einen Test.
copyright: Deutschland BSI
version: 2
provider: BSI
packager: intuitem
objects:
  framework:
    urn: urn:intuitem:risk:framework:bsi-isms-test
    ref_id: bsi-isms-test
    name: "ISMS: Sicherheitsmanagement"
    requirement_nodes:
    - urn: {URN}:isms.1
      assessable: false
      depth: 1
      ref_id: ISMS.1
      name: Sicherheitsmanagement
    - urn: {URN}:isms.1.a1
      assessable: false
      depth: 2
      parent_urn: {URN}:isms.1
      ref_id: ISMS.1.A1
      name: Übernahme der Gesamtverantwortung für Informationssicherheit durch die Leitung
    - urn: {URN}:isms.1.a1.1
      assessable: true
      depth: 3
      parent_urn: {URN}:isms.1.a1
      ref_id: ISMS.1.A1.1
      description: Die Institutionsleitung MUSS die Gesamtverantwortung für Informationssicherheit übernehmen.
      typical_evidence: "Protokoll der Leitungssitzung\\nOrganigramm"
      implementation_groups: [B]
    - urn: {URN}:isms.1.a1.2
      assessable: true
      parent_urn: {URN}:isms.1.a1
      ref_id: ISMS.1.A1.2
      name: Erkennbarkeit
      description: Dies MUSS für alle Beteiligten deutlich erkennbar sein.
      annotation: Etwa im Intranet.
    - urn: {URN}:isms.1.a2
      assessable: false
      depth: 2
      parent_urn: {URN}:isms.1
      ref_id: ISMS.1.A2
      name: Festlegung der Sicherheitsziele und -strategie
    - urn: {URN}:isms.1.a2.1
      assessable: true
      depth: 3
      parent_urn: {URN}:isms.1.a2
      ref_id: ISMS.1.A2.1
      description: Die Institutionsleitung MUSS den Sicherheitsprozess initiieren und etablieren.
    - urn: {URN}:isms.1.a2.1b
      assessable: true
      depth: 3
      parent_urn: {URN}:isms.1.a2
      ref_id: ISMS.1.A2.1
      description: Doppelt vergeben.
"""

EXPECTED_TREE = [
    ("ISMS.1", "Sicherheitsmanagement", [
        ("ISMS.1.A1", "Übernahme der Gesamtverantwortung für Informationssicherheit durch die Leitung",
         ["ISMS.1.A1.1", "ISMS.1.A1.2"]),
        ("ISMS.1.A2", "Festlegung der Sicherheitsziele und -strategie", ["ISMS.1.A2.1"]),
    ]),
]  # fmt: skip


@pytest.fixture(scope="module")
def shipped() -> CatalogSet:
    return discover([BUILTIN_STANDARDS])


def tree(catalog: Catalog) -> list:
    def walk(group: Group) -> tuple:
        return group.id, group.title, [walk(g) for g in group.groups] + [r.id for r in group.requirements]

    return [walk(a) for a in catalog.areas]


def library_workbook() -> bytes:
    """The Excel form CISO Assistant's convert_library tool reads (v2: library_meta, framework _meta/_content)."""
    wb = Workbook()
    meta = wb.active
    meta.title = "library_meta"
    for row in [
        ("type", "library"),
        ("urn", "urn:intuitem:risk:library:dsgvo-test"),
        ("version", 1),
        ("locale", "en"),
        ("ref_id", "DSGVO-TEST"),
        ("name", "Data protection checklist"),
        ("description", "A short test list"),
        ("copyright", "CC BY-SA 4.0, Musterverband"),
        ("provider", "Musterverband"),
        ("packager", "intuitem"),
    ]:
        meta.append(row)  # fmt: skip
    fmeta = wb.create_sheet("dsgvo_meta")
    for row in [
        ("type", "framework"),
        ("urn", "urn:intuitem:risk:framework:dsgvo-test"),
        ("ref_id", "DSGVO-TEST"),
        ("name", "Data protection checklist"),
        ("description", "Test"),
        ("base_urn", "urn:intuitem:risk:req_node:dsgvo-test"),
    ]:
        fmeta.append(row)  # fmt: skip
    content = wb.create_sheet("dsgvo_content")
    content.append(["assessable", "depth", "ref_id", "name", "name[de]", "description", "description[de]",
                    "typical_evidence", "annotation"])  # fmt: skip
    content.append(["", 1, "A", "Organisation", "Organisation", "", "", "", ""])
    german = "Ein Verzeichnis der Verarbeitungstätigkeiten liegt vor."
    content.append(["x", 2, "A.1", "Records", "Verzeichnis", "Records exist.", german, "Verzeichnis", "Art. 30 DSGVO"])
    content.append(["x", 2, "A.2", "", "", "", "", "", ""])
    content.append(["", 1, "B", "Rights", "Rechte der Betroffenen", "", "", "", ""])
    content.append(["x", 2, "B.1", "Access", "Auskunft", "Requests are answered.",
                    "Auskunftsersuchen werden binnen eines Monats beantwortet.", "", ""])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_yaml_library_becomes_a_catalog_with_the_node_tree(shipped):
    source = open_source(LIBRARY_YAML.encode(), "bsi-isms.yaml")
    mapping = proposal(source, "qm4")
    assert mapping.layout == "library" and mapping.catalog_id == "bsi-isms-test" and mapping.version == "2"
    result = draft(source, mapping, shipped)
    cat = result.catalog
    assert tree(cat) == EXPECTED_TREE
    first, second = cat.requirements()[:2]
    assert first.text.startswith("Die Institutionsleitung MUSS") and first.evidence == ["Protokoll der Leitungssitzung",
                                                                                        "Organigramm"]  # fmt: skip
    assert second.title == "Erkennbarkeit" and second.guidance == "Etwa im Intranet."
    assert "Urheberrecht/Lizenz: Deutschland BSI" in cat.source and "BSI" in cat.source
    assert "urn:intuitem:risk:library:bsi-isms-test" in cat.source
    # the YAML line of each node
    assert result.problems == ("Zeile 54: ID „ISMS.1.A2.1“ kam schon in Zeile 48 vor – nicht übernommen.",)
    assert cat.scale == shipped.get("qm4").scale


def test_excel_library_becomes_a_catalog_in_german(shipped):
    source = open_source(library_workbook(), "dsgvo.xlsx")
    assert source.default_sheet() == "dsgvo_content"
    mapping = replace(proposal(source, "qm4"), catalog_id="dsgvo")
    result = draft(source, mapping, shipped)
    assert tree(result.catalog) == [
        ("A", "Organisation", ["A.1"]),
        ("B", "Rechte der Betroffenen", ["B.1"]),
    ]
    req = result.catalog.requirements()[0]
    assert (req.title, req.text) == ("Verzeichnis", "Ein Verzeichnis der Verarbeitungstätigkeiten liegt vor.")
    assert req.evidence == ["Verzeichnis"] and req.guidance == "Art. 30 DSGVO"
    assert "CC BY-SA 4.0, Musterverband" in result.catalog.source
    assert result.problems == ("Zeile 4: ID oder Anforderungstext fehlt – nicht übernommen.",)


def test_library_files_that_are_not_one_are_refused(shipped):
    with pytest.raises(InputError, match="keine Bibliothek"):
        open_source(b"objects:\n  risk_matrix: {}\n", "matrix.yaml")
    wb = Workbook()
    wb.active.title = "library_meta"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InputError, match="kein Rahmenwerk"):
        open_source(out.getvalue(), "leer.xlsx")
    source = open_source(LIBRARY_YAML.encode(), "bsi.yaml")
    plain = replace(proposal(source, "qm4"), layout="column")
    with pytest.raises(InputError, match="keine Blätter"):
        draft(source, plain, shipped)


def test_cli_imports_a_library(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.delenv("QMKIT_STANDARDS", raising=False)
    path = tmp_path / "bsi-isms.yaml"
    path.write_text(LIBRARY_YAML, encoding="utf-8")
    assert main(["catalog", "import", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "Erkannter Aufbau: Bibliothek von CISO Assistant" in shown and "layout: library" in shown
    assert "    ISMS.1.A1 Übernahme der Gesamtverantwortung" in shown
    (tmp_path / "map.yaml").write_text(shown.split("mit --mapping angeben):\n", 1)[1], encoding="utf-8")
    out = tmp_path / "kataloge"
    assert main(["catalog", "import", str(path), "--mapping", str(tmp_path / "map.yaml"), "--out", str(out)]) == 0
    assert len(load_catalog(out / "bsi-isms-test.yaml").requirements()) == 3


def test_page_loads_an_excel_library(shipped, tmp_path: Path):
    page = CatalogImportPage(shipped, folder=tmp_path)
    content = library_workbook()
    page.upload.receive({"kind": "start", "name": "dsgvo.xlsx", "size": len(content)})
    page.upload.receive({"kind": "chunk", "offset": 0}, [memoryview(content)])
    page.upload.receive({"kind": "end"})
    assert page.feedback.widget.value == ""
    assert page.layout_choice.value == "library" and page.catalog_id.value == "dsgvo-test"
    assert "CC BY-SA 4.0" in page.source.value
    page.save_button.click()
    assert "2 Bereiche, 2 Anforderungen – gültig" in page.preview.value
    assert "Rechte der Betroffenen" in page.preview.value and (tmp_path / "dsgvo-test.yaml").exists()


def test_the_content_sheet_also_reads_with_the_depth_layout(shipped):
    """The case measured in issue 19: the QMB maps the content sheet by hand instead of taking the library."""
    source = open_source(library_workbook(), "dsgvo.xlsx")
    guess = proposal(source, "qm4", "dsgvo_content")
    chosen = replace(guess, layout="depth", columns={"level": 1, "id": 2, "title": 3, "requirement": 5},
                     catalog_id="dsgvo-en", version="1", source="Musterverband")  # fmt: skip
    result = draft(source, chosen, shipped, "dsgvo_content")
    assert tree(result.catalog) == [("A", "Organisation", ["A.1"]), ("B", "Rights", ["B.1"])]


def test_page_loads_a_yaml_library(shipped, tmp_path: Path):
    page = CatalogImportPage(shipped, folder=tmp_path)
    content = LIBRARY_YAML.encode()
    page.upload.receive({"kind": "start", "name": "bsi-isms.yaml", "size": len(content)})
    page.upload.receive({"kind": "chunk", "offset": 0}, [memoryview(content)])
    page.upload.receive({"kind": "end"})
    assert page.feedback.widget.value == "" and page.layout_choice.value == "library"
    assert page.sheet.disabled and "YAML-Format" in page.sample.value
    page.check_button.click()
    assert "1 Bereiche, 3 Anforderungen – gültig." in page.preview.value
    assert "Urheberrecht/Lizenz: Deutschland BSI" in page.preview.value
