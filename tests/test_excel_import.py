"""The Excel round trip: export, edit offline, preview, apply – and hostile files that must change nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import inspect, text

from qmkit.excel.checklist import META_SHEET, build_workbook
from qmkit.excel.checklist_import import apply_preview, read_checklist
from qmkit.excel.reading import ImportFileError
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation


@pytest.fixture
def evaluation(store, catalogs):
    catalog = catalogs.get("qm4")
    inst = CycleService(store).create_institution("Bildungswerk Ost")
    cycle = CycleService(store).create_cycle(inst.id, "2027", catalog)
    ev = SelfEvaluation.open(store, cycle.id, catalogs)
    reqs = catalog.requirements()
    ev.rate(reqs[0].id, catalog.scale.values[0].value, "QMB")
    ev.set_text(reqs[0].id, "implementation", "Bedarfsanalyse jährlich", "QMB")
    ev.set_text(reqs[1].id, "responsible", "Leitung", "QMB")
    return ev


def exported(ev) -> bytes:
    buffer = io.BytesIO()
    build_workbook(ev.checklist_data()).save(buffer)
    return buffer.getvalue()


def edited(content: bytes, edits: dict[tuple[str, str], str]) -> bytes:
    """The file as a colleague saves it after typing into answer cells (by requirement id and column title)."""
    book = load_workbook(io.BytesIO(content))
    for ws in book.worksheets:
        if ws.title == META_SHEET or ws.cell(1, 1).value != "ID":
            continue
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for (req_id, column), value in edits.items():
                if row[0].value == req_id:
                    row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def db_rows(store) -> list:
    """Every row of every table (either engine): what "nothing changed" compares."""
    with store.db.read() as conn:
        tables = sorted(inspect(conn).get_table_names())
        return [(t, sorted(map(repr, conn.execute(text(f'SELECT * FROM "{t}"'))))) for t in tables]


def test_untouched_export_changes_nothing(store, catalogs, evaluation):
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), exported(evaluation), "Checkliste.xlsx")
    assert preview.changes == () and preview.problems == ()
    assert preview.unchanged == 3 * len(evaluation.catalog.requirements())


def test_edits_preview_and_apply(store, catalogs, evaluation):
    catalog = evaluation.catalog
    reqs = [r.id for r in catalog.requirements()]
    content = exported(evaluation)
    partly = catalog.scale.values[1]
    file = edited(
        content,
        {
            (reqs[0], "Selbstbewertung"): partly.label,
            (reqs[1], "Umsetzung in der Einrichtung"): "@Leitfaden <b>im</b> QM-Handbuch",
            (reqs[2], "Verantwortlich"): "Frau Berger",
            (reqs[4], "Umsetzung in der Einrichtung"): '=HYPERLINK("http://x";"klick")',  # a formula in Excel
            (reqs[3], "Selbstbewertung"): "super",
        },
    )
    # meanwhile the QMB changes the responsible person of reqs[2] in the app: a conflict
    evaluation.set_text(reqs[2], "responsible", "Herr Adam", "QMB")
    before = db_rows(store)
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), file, "zurück.xlsx")
    assert db_rows(store) == before  # the preview writes nothing
    kinds = {(c.requirement_id, c.field): c.kind for c in preview.changes}
    assert kinds == {
        (reqs[0], "rating"): "changed",
        (reqs[1], "implementation"): "new",
        (reqs[2], "responsible"): "conflict",
    }
    assert any("„super“ ist kein Wert der Skala" in p for p in preview.problems)
    assert any("enthält eine Formel" in p for p in preview.problems)
    result = apply_preview(evaluation, preview, user="Import")
    assert [c.key for c in result.applied] == [(reqs[0], "rating"), (reqs[1], "implementation")]
    assert evaluation.assessment(reqs[0]).rating == partly.value
    assert evaluation.assessment(reqs[1]).implementation == "@Leitfaden <b>im</b> QM-Handbuch"  # text, as typed
    assert evaluation.assessment(reqs[4]).implementation == ""
    assert evaluation.assessment(reqs[2]).responsible == "Herr Adam"  # the conflict is not applied unasked
    chosen = apply_preview(evaluation, preview, keys={(reqs[2], "responsible")}, user="Import")
    assert chosen.applied and evaluation.assessment(reqs[2]).responsible == "Frau Berger"
    # applying the same preview again: the store moved on, nothing is overwritten unseen
    again = apply_preview(evaluation, preview, user="Import")
    assert not again.applied and all("inzwischen" in why for _c, why in again.skipped)


def test_moved_renamed_merged_formula_extra_sheet_and_unknown_ids(store, catalogs, evaluation):
    book = load_workbook(io.BytesIO(exported(evaluation)))
    area = book.worksheets[2]  # the first area sheet
    assert area.cell(1, 1).value == "ID"
    area.cell(1, 9).value = "Zuständig"  # renamed "Verantwortlich"
    area.cell(2, 9).value = "jemand"
    area.insert_cols(2)  # every column moves one to the right
    area.cell(1, 2).value = "Notizen"
    area.cell(3, 6).value = "=1+1"  # a formula in the implementation of the 2nd row
    area.merge_cells(start_row=4, start_column=6, end_row=5, end_column=6)
    area.cell(6, 1).value = "XX9.9"
    book.create_sheet("Meine Notizen")
    buffer = io.BytesIO()
    book.save(buffer)
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), buffer.getvalue(), "bunt.xlsx")
    text = "\n".join(preview.problems + preview.notices)
    assert "„Verantwortlich“ fehlt oder wurde umbenannt" in text
    assert "Spalte „Selbstbewertung“ wurde verschoben" in text
    assert "unbekannte Spalte „Notizen“" in text
    assert "enthält eine Formel" in text and "verbundenen Zellen" in text
    assert "unbekannte Nr. „XX9.9“" in text and "Zusätzliches Blatt „Meine Notizen“" in text
    assert preview.changes == ()  # nothing of it would be applied


def hostile_files(tmp_path: Path, good: bytes) -> dict[str, bytes]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    entity = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(entity, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":  # "billion laughs": entities that expand to gigabytes
                laughs = b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">' + b"".join(
                    b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10) for i in range(8)
                )
                data = laughs + b"]>" + data.replace(b"<bookViews", b"<bookViews x='&i;'", 1)
            z.writestr(item, data)
    huge_dim = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(huge_dim, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)
            z.writestr(item, data)
    from openpyxl import Workbook

    empty = io.BytesIO()
    Workbook().save(empty)
    return {
        "bomb.xlsx": bomb.getvalue(),
        "entities.xlsx": entity.getvalue(),
        "million.xlsx": huge_dim.getvalue(),
        "liste.xlsx": b"ID;Selbstbewertung\nQB1.1;erfuellt\n",
        "bericht.xlsx": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "geschuetzt.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "leer.xlsx": b"",
        "leere_mappe.xlsx": empty.getvalue(),
        "zu_gross.xlsx": b"PK" + b"\0" * (21 * 1024 * 1024),
    }


def test_hostile_files_get_a_german_message_and_change_nothing(store, catalogs, evaluation, tmp_path):
    import time

    files = hostile_files(tmp_path, exported(evaluation))
    before = db_rows(store)
    # a declared million-row dimension is only a claim: the real cells are read, quickly, and nothing changes
    started = time.perf_counter()
    assert (
        read_checklist(SelfEvaluation.opener(store, catalogs), files.pop("million.xlsx"), "million.xlsx").changes == ()
    )
    assert time.perf_counter() - started < 10
    for name, content in files.items():
        started = time.perf_counter()
        with pytest.raises(ImportFileError) as err:
            read_checklist(SelfEvaluation.opener(store, catalogs), content, name)
        assert name in str(err.value), (name, str(err.value))
        if name == "entities.xlsx":
            assert "unzulässige XML" in str(err.value)
        assert time.perf_counter() - started < 10, name
        print(name, "→", err.value)
    assert db_rows(store) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_changes_exactly_the_edited_fields(store, catalogs, evaluation, data):
    catalog = evaluation.catalog
    reqs = [r.id for r in catalog.requirements()]
    content = exported(evaluation)
    current = evaluation.assessments()
    columns = {
        "rating": "Selbstbewertung",
        "implementation": "Umsetzung in der Einrichtung",
        "responsible": "Verantwortlich",
    }
    chosen = data.draw(
        st.sets(st.tuples(st.sampled_from(reqs), st.sampled_from(sorted(columns))), min_size=0, max_size=8)
    )
    edits, expected = {}, {}
    for req_id, field_name in chosen:
        old = current.get(req_id)
        old_value = (old.rating or "") if old and field_name == "rating" else (getattr(old, field_name) if old else "")
        if field_name == "rating":
            options = [v for v in catalog.scale.values if v.value != old_value]
            value = data.draw(st.sampled_from(options))
            edits[(req_id, columns[field_name])], expected[(req_id, field_name)] = value.label, value.value
        else:
            text = data.draw(
                st.text(
                    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
                )
                .map(str.strip)
                .filter(lambda t, old=old_value: bool(t) and t != old and not t.startswith("="))
            )
            edits[(req_id, columns[field_name])], expected[(req_id, field_name)] = text, text
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), edited(content, edits), "runde.xlsx")
    assert preview.problems == ()
    assert {c.key: c.new for c in preview.changes} == expected
