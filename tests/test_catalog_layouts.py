"""Requirement lists in the layouts they really come in: each is recognised, read into the expected tree, and
whatever is not read is listed with its row."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.catalog import Catalog, CatalogSet, Group
from qmkit.errors import CatalogError
from qmkit.excel.catalog_mapping import load_mapping, mapping_yaml
from qmkit.excel.catalog_source import ListSource, draft, open_source, proposal
from qmkit.excel.catalog_tree import tree_lines
from qmkit.store.catalogs import discover, load_catalog

BOLD = Font(bold=True)


@pytest.fixture(scope="module")
def shipped() -> CatalogSet:
    return discover([BUILTIN_STANDARDS])


def workbook(fill: Callable[[Workbook], None]) -> bytes:
    wb = Workbook()
    fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def tree(catalog: Catalog) -> list[Any]:
    """The catalog as nested (id, title, [children or requirement ids]) – what the QMB sees in the preview."""

    def walk(group: Group) -> tuple[str, str, list[Any]]:
        return group.id, group.title, [walk(g) for g in group.groups] + [r.id for r in group.requirements]

    return [walk(a) for a in catalog.areas]


def imported(shipped: CatalogSet, content: bytes, name: str = "liste.xlsx", sheet: str | None = None):
    """Open, guess, and build with the guess (as a QMB who accepts the proposal would)."""
    source = open_source(content, name)
    guess = proposal(source, "qm4", sheet)
    mapping = replace(guess, catalog_id="neu", name="Neu", version="1", source="Zertifizierer 2025")
    return guess, draft(source, mapping, shipped, sheet)


def test_heading_rows_in_bold_become_areas(shipped):
    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Nr.", "Anforderung", "Nachweise"])
        for row in (
            ["1", "Leitbild und Werte"],
            ["1.1", "Es gibt ein Leitbild.", "Leitbild"],
            ["1.2", "Das Leitbild wird jährlich geprüft.", ""],
            ["2", "Personal"],
            ["2.1", "Neue Mitarbeitende werden eingearbeitet.", "Konzept"],
            ["2.2", "Fortbildungen werden geplant.", ""],
            ["2.3", "Mitarbeitergespräche finden statt.", ""],
        ):
            ws.append(row)  # fmt: skip
        for row in (2, 5):
            ws.cell(row, 1).font = ws.cell(row, 2).font = BOLD

    guess, result = imported(shipped, workbook(fill))
    assert guess.layout == "headings"
    assert tree(result.catalog) == [
        ("1", "Leitbild und Werte", ["1.1", "1.2"]),
        ("2", "Personal", ["2.1", "2.2", "2.3"]),
    ]
    assert result.catalog.requirements()[0].evidence == ["Leitbild"] and result.problems == ()


def test_merged_heading_rows_and_plain_heading_rows_give_two_levels(shipped):
    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Anforderungskatalog 2025"])
        ws.append(["Nr.", "Anforderung", "Hinweis"])
        rows = [
            ["Qualitätsbereich 1 – Leitung"], ["Strategie"], ["1.1.1", "Die Leitung legt Ziele fest.", ""],
            ["1.1.2", "Ziele werden jährlich überprüft.", "Protokoll"], ["Qualitätsbereich 2 – Personal und "
            "Professionalisierung"], ["Einarbeitung"], ["2.1.1", "Neue werden eingearbeitet.", ""],
            ["Fortbildung"], ["2.2.1", "Fortbildungen werden geplant.", ""], ["2.2.2", "", ""],
        ]  # fmt: skip
        for row in rows:
            ws.append(row)
        for row in (3, 7):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            ws.cell(row, 1).font = BOLD

    guess, result = imported(shipped, workbook(fill))
    assert guess.layout == "headings"
    assert tree(result.catalog) == [
        ("1", "Leitung", [("1.1", "Strategie", ["1.1.1", "1.1.2"])]),
        ("2", "Personal und Professionalisierung", [("2.1", "Einarbeitung", ["2.1.1"]), ("2.2", "Fortbildung",
                                                                                         ["2.2.1"])]),
    ]  # fmt: skip
    assert result.problems == ("Zeile 12: ID oder Anforderungstext fehlt – nicht übernommen.",)
    assert result.catalog.requirements()[1].guidance == "Protokoll"


def test_depth_column_as_the_bsi_list_has_it(shipped):
    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.title = "ISMS.1"
        ws.append(["Ebene", "Nr.", "Titel", "Anforderung"])
        rows = [
            [1, "ISMS.1", "Sicherheitsmanagement", ""],
            [2, "ISMS.1.A1", "Übernahme der Gesamtverantwortung", ""],
            [3, "ISMS.1.A1.1", "", "Die Institutionsleitung MUSS die Gesamtverantwortung übernehmen."],
            [3, "ISMS.1.A1.2", "", "Dies MUSS für alle Beteiligten deutlich erkennbar sein."],
            [2, "ISMS.1.A2", "Festlegung der Sicherheitsziele", "Ziele und Strategie der Leitung."],
            [3, "ISMS.1.A2.1", "", "Die Institutionsleitung MUSS den Sicherheitsprozess etablieren."],
            [3, "ISMS.1.A2.1", "", "Doppelt."],
            [2, "ISMS.1.A3", "Leere Gruppe", ""],
        ]
        for row in rows:
            ws.append(row)

    guess, result = imported(shipped, workbook(fill))
    assert guess.layout == "depth" and guess.columns["level"] == 0
    assert tree(result.catalog) == [
        ("ISMS.1", "Sicherheitsmanagement", [
            ("ISMS.1.A1", "Übernahme der Gesamtverantwortung", ["ISMS.1.A1.1", "ISMS.1.A1.2"]),
            ("ISMS.1.A2", "Festlegung der Sicherheitsziele", ["ISMS.1.A2.1"]),
        ]),
    ]  # fmt: skip
    group = result.catalog.areas[0].groups[1]
    assert group.description == "Ziele und Strategie der Leitung."
    assert result.catalog.requirements()[0].title == "Die Institutionsleitung MUSS die Gesamtverantwortung übernehmen"
    assert result.catalog.levels == ["Qualitätsbereich", "Ebene 2"]
    assert result.problems == (
        "Zeile 8: ID „ISMS.1.A2.1“ kam schon in Zeile 7 vor – nicht übernommen.",
        "Zeile 9: Überschrift „Leere Gruppe“ ohne Anforderungen darunter – nicht übernommen.",
    )


def test_one_sheet_per_area_by_title_cell_or_sheet_name(shipped):
    def fill(wb: Workbook) -> None:
        notes = wb.active
        notes.title = "Hinweise"
        notes.append(["Diese Liste gilt ab 2025."])
        first = wb.create_sheet("QB1")
        first.append(["Qualitätsbereich 1 – Leitbild"])
        first.append(["Nr.", "Anforderung"])
        first.append(["1.1", "Es gibt ein Leitbild."])
        first.append(["1.2", "Das Leitbild ist veröffentlicht."])
        second = wb.create_sheet("2 Personal")
        second.append(["Nr.", "Anforderung"])
        second.append(["2.1", "Neue werden eingearbeitet."])
        second.append(["Führung"])
        second.append(["2.2", "Führungskräfte werden geschult."])

    guess, result = imported(shipped, workbook(fill), sheet="QB1")
    assert guess.layout == "sheets"
    assert tree(result.catalog) == [
        ("1", "Leitbild", ["1.1", "1.2"]),
        ("2", "Personal", [("2.1_g", "Führung", ["2.2"]), "2.1"]),
    ]


def test_areas_and_levels_from_numbered_ids(shipped):
    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Nr.", "Anforderung"])
        for row in (
            ["1", "Leitung"],
            ["1.1", "Strategie"],
            ["1.1.1", "Ziele sind festgelegt."],
            ["1.1.2", "Ziele werden überprüft."],
            ["1.2.1", "Es gibt ein Organigramm."],
            ["2.1", "Neue werden eingearbeitet."],
            ["7", "Ohne Bereich."],
        ):
            ws.append(row)  # fmt: skip

    guess, result = imported(shipped, workbook(fill))
    assert guess.layout == "numbered"
    assert tree(result.catalog) == [
        ("1", "Leitung", [("1.1", "Strategie", ["1.1.1", "1.1.2"]), ("1.2", "1.2", ["1.2.1"])]),
        ("2", "Bereich 2", ["2.1"]),
    ]
    assert result.problems == ("Zeile 8: aus der ID „7“ folgt kein Bereich – nicht übernommen.",)


def test_area_column_with_a_further_level_column_and_merged_cells_listed(shipped):
    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Bereich", "Handlungsfeld", "Nr.", "Anforderung"])
        ws.append(["F – Führung", "F1 – Strategie", "F1.1", "Ein Leitbild liegt vor."])
        ws.append(["", "", "F1.2", "Ziele werden abgeleitet."])
        ws.append(["", "F2 – Bewertung", "F2.1", "Ein internes Audit findet statt."])
        ws.append(["K – Kernprozesse", "", "K1", "Angebote werden geplant.", "Notiz"])
        ws.merge_cells("A2:A4")  # the area runs down three rows
        ws.merge_cells("B2:B3")
        ws.merge_cells("D5:E5")  # a text merged across two columns inside the table

    guess, result = imported(shipped, workbook(fill))
    assert guess.layout == "column" and guess.sublevels == (1,)
    assert tree(result.catalog) == [
        ("F", "Führung", [("F1", "Strategie", ["F1.1", "F1.2"]), ("F2", "Bewertung", ["F2.1"])]),
        ("K", "Kernprozesse", ["K1"]),
    ]
    assert result.catalog.levels == ["Bereich", "Handlungsfeld"]
    assert result.problems == (
        "Zeilen 2–4: verbundene Zellen A2:A4 – der Wert „F – Führung“ gilt für jede dieser Zeilen.",
        "Zeilen 2–3: verbundene Zellen B2:B3 – der Wert „F1 – Strategie“ gilt für jede dieser Zeilen.",
        "Zeile 5: verbundene Zellen D5:E5 – nur der erste Wert wurde gelesen.",
    )


def test_the_qmb_corrects_the_guess_and_the_mapping_file_records_it(shipped):
    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Bereich", "Nr.", "Anforderung"])
        ws.append(["Leitung", "1.1", "Ziele sind festgelegt."])
        ws.append(["Leitung", "2.1", "Neue werden eingearbeitet."])

    source = open_source(workbook(fill), "liste.xlsx")
    guess = proposal(source, "qm4")
    assert guess.layout == "column"
    chosen = replace(guess, layout="numbered", catalog_id="neu", name="Neu", version="1", source="Q")
    assert [a.id for a in draft(source, chosen, shipped).catalog.areas] == ["1", "2"]
    text = mapping_yaml("Sheet", 1, chosen)
    assert "layout: numbered" in text
    sheet, header_row, again = load_mapping(text, "zuordnung.yaml")
    assert again == chosen and (sheet, header_row) == ("Sheet", 1)
    with pytest.raises(CatalogError, match="unbekannter Aufbau „spalten“"):
        load_mapping(text.replace("layout: numbered", "layout: spalten"), "zuordnung.yaml")
    depth_without_column = text.replace("layout: numbered", "layout: depth")
    with pytest.raises(CatalogError, match=r"columns\.level fehlt"):
        load_mapping(depth_without_column, "zuordnung.yaml")


def test_every_layout_shows_its_tree_for_the_preview(shipped):
    catalog = shipped.get("qesplus")
    lines = tree_lines(catalog)
    assert lines[0] == (
        0,
        "A Leitung und strategische Ausrichtung – " + f"{len(catalog.areas[0].all_requirements())} Anforderungen",
    )
    assert lines[1][0] == 1 and lines[2][0] == 2


def test_hostile_and_wrong_files_are_refused_with_a_reason(shipped):
    from qmkit.errors import InputError

    with pytest.raises(InputError, match="PDF"):
        open_source(b"%PDF-1.4 kein Excel", "liste.xlsx")
    with pytest.raises(InputError, match=r"kein gültiges YAML|keine Bibliothek"):
        open_source(b"!!python/object/apply:os.system ['echo pwned']", "lib.yaml")
    with pytest.raises(InputError, match="UTF-8"):
        open_source(b"\xff\xfe\x00kaputt", "lib.yaml")
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n".encode() for i in range(9)
    )
    with pytest.raises(InputError, match="keine Bibliothek"):
        open_source(bomb, "lib.yaml")  # anchors are not expanded into a catalog

    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Bereich", "Nr.", "Anforderung"])
        ws.append(["1 Leitung", "1.1", '=HYPERLINK("http://example.org","klick")'])
        ws.append(["1 Leitung", "1.2", "<img src=x onerror=alert(1)> Ziele sind festgelegt."])
        ws.cell(900_000, 2).value = "ganz unten"

    _guess, result = imported(shipped, workbook(fill))
    assert [r.id for r in result.catalog.requirements()] == ["1.2"]
    assert result.catalog.requirements()[0].text.startswith("<img src=x")  # kept as text, escaped where shown
    assert "Zeile 2: „Anforderung (Text)“ enthält eine Formel – nicht übernommen." in result.problems
    assert "Zeilen ab 900000: nicht gelesen (1 mit Inhalt; höchstens 5020 Zeilen je Blatt)." in result.problems


def test_a_list_with_no_requirement_gives_the_catalog_loaders_errors(shipped):
    from qmkit.errors import InputError

    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Bereich", "Nr.", "Anforderung", "Skala"])
        ws.append(["1 Leitung", "1.1", "Ziele sind festgelegt.", "gut, schlecht"])

    source = open_source(workbook(fill), "liste.xlsx")
    mapping = replace(proposal(source, "qm4"), catalog_id="neu", name="Neu", version="1", source="Q")
    with pytest.raises(CatalogError, match="unbekannte Skalenwerte gut, schlecht"):
        draft(source, mapping, shipped)  # the same message a YAML catalog with this scale gets
    with pytest.raises(InputError, match="keine Anforderung gefunden"):
        draft(source, replace(mapping, columns={**mapping.columns, "requirement": 7}), shipped)


def test_list_source_reads_each_sheet_once():
    def fill(wb: Workbook) -> None:
        wb.active.append(["Nr.", "Anforderung"])

    source = open_source(workbook(fill), "liste.xlsx")
    assert isinstance(source, ListSource) and source.table() is source.table()


def test_page_shows_the_recognised_tree_and_takes_a_correction(shipped, tmp_path):
    from qmkit.ui.pages.catalog_import import CatalogImportPage

    def fill(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Nr.", "Anforderung"])
        for row in (
            ["Qualitätsbereich 1 – Leitung"],
            ["1.1", "Ziele sind festgelegt."],
            ["Qualitätsbereich 2 – Personal und Professionalisierung"],
            ["2.1", "Neue werden eingearbeitet."],
        ):
            ws.append(row)  # fmt: skip

    page = CatalogImportPage(shipped, folder=tmp_path)
    content = workbook(fill)
    page.upload.receive({"kind": "start", "name": "liste.xlsx", "size": len(content)})
    page.upload.receive({"kind": "chunk", "offset": 0}, [memoryview(content)])
    page.upload.receive({"kind": "end"})
    assert page.layout_choice.value == "headings" and page.name.value == "liste"
    page.catalog_id.value, page.version.value, page.source.value = "muster", "2025", "Musterzertifizierer"
    page.check_button.click()
    assert "2 Bereiche, 2 Anforderungen – gültig" in page.preview.value
    assert "<li>2 Personal und Professionalisierung – 1 Anforderung</li>" in page.preview.value
    assert "layout: headings" in page.preview.value  # the mapping for the CLI records the choice
    page.layout_choice.value = "numbered"  # the QMB corrects the guess
    page.check_button.click()
    assert "layout: numbered" in page.preview.value and "<li>1 Leitung – 1 Anforderung</li>" in page.preview.value
    page.sublevels.value = "C, 7"
    page.check_button.click()
    assert "Spaltenbuchstaben" in page.preview.value
    page.sublevels.value = ""
    page.layout_choice.value = "headings"
    page.save_button.click()
    assert load_catalog(tmp_path / "muster.yaml").areas[1].title == "Personal und Professionalisierung"
