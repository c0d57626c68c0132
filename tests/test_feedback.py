"""The feedback report: findings typed in or read from a returned checklist, and measures made from them."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from qmkit.domain.feedback import FindingKind, kind_from_text
from qmkit.domain.planning import MeasureStatus
from qmkit.errors import InputError
from qmkit.excel.checklist import build_workbook
from qmkit.excel.checklist_import import read_checklist
from qmkit.excel.feedback_import import apply_feedback, read_feedback
from qmkit.excel.reading import ImportFileError
from qmkit.services.cycles import CycleService
from qmkit.services.feedback_report import FeedbackReport
from qmkit.services.planning import Planning
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from tests.test_excel_import import db_rows, edited, evaluation, exported, hostile_files  # noqa: F401  (fixture)


@pytest.fixture
def report(evaluation):  # noqa: F811
    return FeedbackReport(evaluation, today=date(2027, 6, 1))


def returned(ev, edits: dict[tuple[str, str], str]) -> bytes:
    """The checklist as the assessors send it back: their result and remark typed into the area sheets."""
    return edited(exported(ev), edits)


def test_kind_words_of_a_result_cell_and_of_a_remark():
    assert kind_from_text("Auflage", cell=True) is FindingKind.AUFLAGE
    assert kind_from_text("erfüllt, mit Empfehlung", cell=True) is FindingKind.EMPFEHLUNG
    assert kind_from_text("  Nicht erfüllt ", cell=True) is FindingKind.NICHT_ERFUELLT
    assert kind_from_text("ja", cell=True) is FindingKind.ERFUELLT
    assert kind_from_text("vielleicht", cell=True) is None
    assert kind_from_text("Auflage: Beschwerdeweg schriftlich festlegen.") is FindingKind.AUFLAGE
    assert kind_from_text("Nicht erfüllt – kein Leitbild vorgelegt.") is FindingKind.NICHT_ERFUELLT
    assert kind_from_text("Erfüllt mit Auflage: Frist 3 Monate") is FindingKind.AUFLAGE
    assert kind_from_text("Ja, das Leitbild liegt vor.") is None  # "ja" counts only as a result cell
    assert kind_from_text("Auflagenerfüllung wird geprüft") is None  # a word must end where the kind ends


def test_findings_are_checked_and_stored_with_who_and_when(report):
    req = report.catalog.requirements()[0].id
    report.set(req, "kind", "auflage", "Frau Prüf")
    report.set(req, "text", "Beschwerdeweg <script>alert(1)</script> schriftlich festlegen.", "Frau Prüf")
    report.set(req, "due", "30.09.2027", "Frau Prüf")
    finding = report.finding(req)
    assert (finding.kind, finding.due, finding.changed_by) == (FindingKind.AUFLAGE, date(2027, 9, 30), "Frau Prüf")
    assert finding.text.startswith("Beschwerdeweg <script>") and finding.revision == 3
    with pytest.raises(InputError, match="Ergebnis aus der Liste"):
        report.set(req, "kind", "gut", "x")
    with pytest.raises(InputError, match="höchstens 4000 Zeichen"):
        report.set(req, "text", "x" * 4001, "x")
    with pytest.raises(InputError, match="gibt es im Katalog nicht"):
        report.set("ZZ9", "kind", "auflage", "x")
    assert report.finding(req).revision == 3  # nothing of the refused changes reached the store
    report.set(req, "kind", "erfuellt", "Frau Prüf")  # revised by the assessors: the due date goes with it
    assert report.finding(req).due is None
    with pytest.raises(InputError, match="nur für Auflagen"):
        report.set(req, "due", "30.09.2027", "x")
    report.set_head("received_on", "12.05.2026", "QMB")
    report.set_head("assessors", "Dr. A. Gut, B. Acht", "QMB")
    head = report.head()
    assert (head.received_on, head.assessors) == (date(2026, 5, 12), "Dr. A. Gut, B. Acht")
    with pytest.raises(InputError, match="Zukunft"):
        report.set_head("received_on", date.today().replace(year=date.today().year + 1), "QMB")


def test_a_condition_becomes_one_measure_of_the_plan(report):
    req = report.catalog.requirements()[1]
    report.set(req.id, "kind", "auflage", "QMB")
    report.set(req.id, "text", "Auflage: Fortbildungsplanung jährlich dokumentieren.", "QMB")
    report.set(req.id, "due", date(2027, 12, 31), "QMB")
    assert report.overview().missing_measure == 1
    with pytest.raises(InputError, match="verantwortliche Person"):
        report.plan_measure(req.id, " ", "QMB")
    measure = report.plan_measure(req.id, "Herr Plan", "QMB")
    assert measure.title == f"{req.id} {req.title}: Auflage erfüllen"
    assert measure.due == date(2027, 12, 31) and measure.requirement_ids == (req.id,)
    assert "Fortbildungsplanung jährlich dokumentieren" in measure.description
    assert [m.id for m in report.store.plans.measures(report.cycle.id)] == [measure.id]
    assert report.finding(req.id).measure_id == measure.id
    with pytest.raises(InputError, match="schon die Maßnahme"):
        report.plan_measure(req.id, "Herr Plan", "QMB")  # the second click (or the colleague's) makes none
    state = report.state(report.finding(req.id), report.measures())
    assert state.open and "geplant" in state.text and "31.12.2027" in state.text
    Planning(report.evaluation).update_measure(measure.id, "status", MeasureStatus.UMGESETZT, "Herr Plan")
    assert not report.state(report.finding(req.id), report.measures()).open
    overview = report.overview()
    assert (overview.open, overview.missing_measure, overview.counts[FindingKind.AUFLAGE]) == (0, 0, 1)
    Planning(report.evaluation).update_measure(measure.id, "status", MeasureStatus.VERWORFEN, "Herr Plan")
    assert report.plan_measure(req.id, "Herr Plan", "QMB").id != measure.id  # a discarded one may be replaced


def test_measure_only_for_findings_that_ask_for_one(report):
    req = report.catalog.requirements()[2].id
    with pytest.raises(InputError, match="noch keine Rückmeldung"):
        report.plan_measure(req, "QMB", "QMB")
    report.set(req, "kind", "erfuellt", "QMB")
    with pytest.raises(InputError, match="Nur aus Auflagen"):
        report.plan_measure(req, "QMB", "QMB")
    assert report.store.plans.measures(report.cycle.id) == []


def test_two_people_planning_the_same_finding_get_one_measure(report, tmp_path):
    req = report.catalog.requirements()[0].id
    report.set(req, "kind", "nicht_erfuellt", "QMB")
    url = report.store.url
    results: list[str] = []

    def click(name: str) -> None:
        other = FeedbackReport(type(report.evaluation)(Store(url), report.cycle, report.catalog))
        try:
            results.append(str(other.plan_measure(req, name, name).id))
        except InputError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=click, args=(n,)) for n in ("Anna", "Ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(report.store.plans.measures(report.cycle.id)) == 1
    assert sum("schon die Maßnahme" in r for r in results) == 1


def test_returned_checklist_preview_then_apply(store, catalogs, evaluation, report):  # noqa: F811
    reqs = [r.id for r in evaluation.catalog.requirements()]
    report.set(reqs[3], "kind", "empfehlung", "QMB")
    report.set(reqs[3], "text", "Typed before", "QMB")
    content = returned(
        evaluation,
        {
            (reqs[0], "Ergebnis Gutachter*in"): "Auflage",
            (reqs[0], "Anmerkung Gutachter*in"): "Beschwerdeverfahren fehlt.",
            (reqs[1], "Anmerkung Gutachter*in"): "Nicht erfüllt: keine Evaluation der Kurse.",
            (reqs[2], "Ergebnis Gutachter*in"): "erfüllt",
            (reqs[3], "Ergebnis Gutachter*in"): "erfüllt, mit Empfehlung",
            (reqs[3], "Anmerkung Gutachter*in"): "Typed before",  # the same as stored: unchanged
            (reqs[4], "Ergebnis Gutachter*in"): "prima",  # not a result
            (reqs[4], "Anmerkung Gutachter*in"): '=HYPERLINK("http://evil","klick")',
            (reqs[5], "Anmerkung Gutachter*in"): "<script>alert(1)</script>",
        },
    )
    before = db_rows(store)
    preview = read_feedback(SelfEvaluation.opener(store, catalogs), content, "Rückmeldung.xlsx", evaluation.cycle.id)
    assert db_rows(store) == before  # reading stores nothing
    by_id = {c.requirement_id: c for c in preview.changes}
    assert set(by_id) == {reqs[0], reqs[1], reqs[2], reqs[5]}
    assert (by_id[reqs[0]].new_kind, by_id[reqs[0]].new_text) == (FindingKind.AUFLAGE, "Beschwerdeverfahren fehlt.")
    assert by_id[reqs[1]].new_kind is FindingKind.NICHT_ERFUELLT  # from the remark's first words
    assert (by_id[reqs[2]].new_kind, by_id[reqs[2]].new_text) == (FindingKind.ERFUELLT, "")
    assert by_id[reqs[5]].new_kind is None and by_id[reqs[5]].new_text == "<script>alert(1)</script>"
    assert preview.unchanged == 1
    problems = " ".join(preview.problems)
    assert "„prima“ ist kein Ergebnis" in problems and "Formel" in problems
    assert preview.summary().startswith("4 neue Rückmeldungen, 0 geändert, 1 unverändert")
    # someone types into reqs[5] in the app meanwhile: that one is skipped, not overwritten
    report.set(reqs[5], "text", "In der App", "QMB")
    result = apply_feedback(report, preview, {reqs[0], reqs[1], reqs[5]}, "QMB")
    assert [c.requirement_id for c in result.applied] == [reqs[0], reqs[1]]
    assert [(c.requirement_id, why) for c, why in result.skipped] == [(reqs[5], "inzwischen in der App geändert")]
    findings = report.findings()
    assert findings[reqs[0]].kind is FindingKind.AUFLAGE and findings[reqs[0]].source == "Rückmeldung.xlsx"
    assert reqs[2] not in findings  # not chosen
    assert findings[reqs[5]].text == "In der App"
    # the same file again brings nothing new for what was applied; an empty cell never clears a finding
    again = read_feedback(
        SelfEvaluation.opener(store, catalogs), returned(evaluation, {}), "leer.xlsx", evaluation.cycle.id
    )
    assert again.changes == () and again.unchanged == 0
    assert report.findings()[reqs[0]].text == "Beschwerdeverfahren fehlt."


def test_self_evaluation_import_points_to_the_feedback_page(store, catalogs, evaluation):  # noqa: F811
    req = evaluation.catalog.requirements()[0].id
    content = returned(evaluation, {(req, "Anmerkung Gutachter*in"): "Auflage: X"})
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), content, "zurück.xlsx")
    assert preview.changes == ()
    assert any("Rückmeldung" in n and "1 " in n for n in preview.notices)


def test_feedback_import_refuses_hostile_and_foreign_files(store, catalogs, evaluation, tmp_path):  # noqa: F811
    for name, content in hostile_files(tmp_path, exported(evaluation)).items():
        if name == "million.xlsx":  # a declared dimension only: read quickly, tested with the checklist import
            continue
        with pytest.raises(ImportFileError) as caught:
            read_feedback(SelfEvaluation.opener(store, catalogs), content, name, evaluation.cycle.id)
        assert str(caught.value).startswith("„")
    other = CycleService(store).create_cycle(evaluation.cycle.institution_id, "2030", evaluation.catalog)
    with pytest.raises(ImportFileError, match="anderen Zyklus"):
        read_feedback(SelfEvaluation.opener(store, catalogs), exported(evaluation), "alt.xlsx", other.id)
    with store.db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM feedback_findings")).scalar() == 0


def test_old_export_without_result_column_still_reads_remarks(store, catalogs, evaluation):  # noqa: F811
    req = evaluation.catalog.requirements()[0].id
    book = load_workbook(io.BytesIO(returned(evaluation, {(req, "Anmerkung Gutachter*in"): "Empfehlung: mehr Fotos"})))
    for ws in book.worksheets:
        if ws.cell(1, 1).value == "ID" and [c.value for c in ws[1]].count("Ergebnis Gutachter*in"):
            ws.delete_cols([c.value for c in ws[1]].index("Ergebnis Gutachter*in") + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    preview = read_feedback(SelfEvaluation.opener(store, catalogs), buffer.getvalue(), "alt.xlsx", evaluation.cycle.id)
    assert [(c.requirement_id, c.new_kind) for c in preview.changes] == [(req, FindingKind.EMPFEHLUNG)]
    assert not any("Ergebnis" in p for p in preview.problems)


def test_checklist_lists_findings_and_their_measures(evaluation, report):  # noqa: F811
    reqs = evaluation.catalog.requirements()
    report.set(reqs[0].id, "kind", "auflage", "QMB")
    report.set(reqs[0].id, "text", "=Beschwerdeweg festlegen", "QMB")
    report.set(reqs[0].id, "due", date(2027, 9, 30), "QMB")
    report.plan_measure(reqs[0].id, "Herr Plan", "QMB")
    report.set(reqs[1].id, "kind", "erfuellt", "QMB")
    report.set_head("received_on", date(2026, 5, 12), "QMB")
    wb = build_workbook(evaluation.checklist_data())
    ws = wb["Rückmeldung"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=3)]
    assert rows[0][:4] == ["Nr.", "Anforderung", "Ergebnis", "Anmerkung der Gutachter*innen"]
    assert rows[1][0] == reqs[0].id and rows[1][2] == "Auflage" and rows[1][3] == "=Beschwerdeweg festlegen"
    assert ws.cell(2, 4).data_type == "s"  # written as text, never a formula
    assert "Auflage erfüllen" in rows[1][5] and "geplant" in rows[1][6]
    assert rows[2][0] == reqs[1].id and rows[2][2] == "erfüllt"
