"""Evidence register, readiness check and submission package, without widgets."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.documents.package import EVIDENCE_FOLDER, HTML_INDEX, INDEX_SHEET, build_package
from qmkit.domain.evidence import display_name, member_name
from qmkit.domain.readiness import Check, Severity
from qmkit.errors import InputError, UploadError
from qmkit.services.cycles import CycleService
from qmkit.services.register import EvidenceRegister
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store.files import EvidenceFiles


@pytest.fixture
def files(tmp_path: Path) -> EvidenceFiles:
    return EvidenceFiles(tmp_path / "evidence", max_bytes=2 * 1024 * 1024)


@pytest.fixture
def lqw(store, catalogs):
    inst = CycleService(store).create_institution("VHS Nord", qmb="A. Keller")
    cycle = CycleService(store).create_cycle(inst.id, "Testierung 2027", catalogs.get("lqw"))
    return SelfEvaluation(store, cycle, catalogs.get("lqw"))


def test_files_are_kept_by_hash_and_names_cannot_escape(files, tmp_path):
    for hostile in ("../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a\x00b\x1b.pdf", "....", ""):
        stored = files.put(b"inhalt " + hostile.encode(), hostile)
        path = files.path(stored.digest)
        assert path.resolve().is_relative_to(files.root) and path.name == stored.digest
        assert "/" not in stored.name and "\\" not in stored.name and "\x00" not in stored.name
        assert stored.digest == hashlib.sha256(b"inhalt " + hostile.encode()).hexdigest()
    assert {p.name for p in (tmp_path / "evidence").rglob("*") if p.is_file()} <= {
        hashlib.sha256(b"inhalt " + h.encode()).hexdigest()
        for h in ("../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a\x00b\x1b.pdf", "....", "")
    }
    assert not (tmp_path / "etc").exists()
    for bad in ("../x", "0" * 63, "G" * 64, "/etc/passwd"):
        with pytest.raises(UploadError):
            files.path(bad)
    assert display_name("C:\\Users\\qm\\Leitbild 2026.pdf") == "Leitbild 2026.pdf"
    assert member_name("../Qualitätshandbuch (v2) <final>.pdf") == "Qualitätshandbuch_(v2)_final.pdf"


def test_size_limit_and_broken_transfer_are_german_messages(files):
    with pytest.raises(UploadError, match=r"zu groß .*höchstens 2,0 MB"):
        files.begin("gross.pdf", 3 * 1024 * 1024)
    with pytest.raises(UploadError, match="leer"):
        files.begin("leer.pdf", 0)
    incoming = files.begin("halb.pdf", 1000)
    incoming.add(b"x" * 400)
    with pytest.raises(UploadError, match="unterbrochen"):
        incoming.finish()
    incoming = files.begin("lügt.pdf", 10)  # announces 10 bytes, sends more
    with pytest.raises(UploadError, match="zu groß"):
        incoming.add(b"x" * 11)
    assert not any(files.incoming.iterdir())  # no half files left behind
    assert not [p for p in files.root.rglob("*") if p.is_file()]


def test_limit_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QMKIT_EVIDENCE_MAX_MB", "1")
    assert EvidenceFiles(tmp_path).max_bytes == 1024 * 1024
    monkeypatch.delenv("QMKIT_EVIDENCE_MAX_MB")
    assert EvidenceFiles(tmp_path).max_bytes == 50 * 1024 * 1024


def test_one_document_serves_many_requirements_and_the_next_cycle(store, catalogs, lqw, files):
    register = EvidenceRegister(store, lqw.cycle.institution_id, files)
    stored = files.put(b"%PDF-1.4 Leitbild", "Leitbild.pdf")
    doc, new = register.add_upload(stored, "A. Keller", kind="leitbild", version="3")
    again, new_again = register.add_upload(files.put(b"%PDF-1.4 Leitbild", "kopie.pdf"), "B")
    assert new and not new_again and again.id == doc.id and len(register.documents()) == 1
    for req in ("L1.1", "L1.3", "L2.1"):
        register.link(lqw.cycle.id, req, doc, "A. Keller")
    register.link(lqw.cycle.id, "L1.1", doc)  # twice: still one link
    assert [e.title for e in lqw.assessment("L1.1").evidence] == ["Leitbild"]
    assert register.usage()[doc.id] == [(lqw.cycle.id, "L1.1"), (lqw.cycle.id, "L1.3"), (lqw.cycle.id, "L2.1")]
    # a change of the document shows at every requirement
    register.update(doc, "version", "4")
    assert {lqw.assessment(r).evidence[0].version for r in ("L1.1", "L1.3", "L2.1")} == {"4"}
    # the next cycle uses the same register entry
    nxt = CycleService(store).start_next(lqw.cycle.id, "Retestierung 2031", catalogs.get("lqw"), "A. Keller")
    assert store.assessments.get(nxt.id, "L1.3").evidence[0].document.id == doc.id
    assert len(register.documents()) == 1


def test_metadata_is_checked_at_the_field(store, lqw, files):
    register = EvidenceRegister(store, lqw.cycle.institution_id, files)
    doc = register.add_reference("A", title="Hygieneplan", location="Ordner QM, Reiter 4", effective_on="01.03.2026")
    with pytest.raises(InputError) as err:
        register.update(doc, "review_on", "2026-01-01")
    assert err.value.field == "review_on" and "Gültig bis" in str(err.value)
    with pytest.raises(InputError) as err:
        register.update(doc, "effective_on", "morgen")
    assert err.value.field == "effective_on" and "31.12.2026" in str(err.value)
    with pytest.raises(InputError) as err:
        register.update(doc, "title", "  ")
    assert err.value.field == "title"
    with pytest.raises(InputError):
        register.add_reference("A", title="", location="x")
    assert register.document(doc.id).review_on is None  # nothing bad reached the store
    assert register.update(doc, "review_on", date(2028, 3, 1)).review_on == date(2028, 3, 1)


def test_delete_keeps_links_unless_asked_and_removes_unused_files(store, lqw, files):
    register = EvidenceRegister(store, lqw.cycle.institution_id, files)
    stored = files.put(b"Protokoll", "Protokoll.pdf")
    doc, _new = register.add_upload(stored)
    register.link(lqw.cycle.id, "L1.2", doc)
    with pytest.raises(InputError, match="noch 1 Anforderung"):
        register.delete(doc)
    assert files.exists(stored.digest)
    register.delete(doc, unlink=True)
    assert register.documents() == [] and lqw.assessment("L1.2").evidence == ()
    assert not files.exists(stored.digest)


def test_readiness_names_what_is_missing_and_rises_when_fixed(store, lqw, files):
    register = EvidenceRegister(store, lqw.cycle.institution_id, files)
    today = date(2027, 5, 1)
    first = lqw.checklist_data().readiness
    assert first.ready == 0 and first.percent == 0
    checks = {f.check for f in first.findings() if f.requirement_id == "L1.1"}
    assert checks == {Check.RATED, Check.IMPLEMENTATION, Check.EVIDENCE}  # L1.1 requires evidence
    lqw.rate("L1.1", "beschrieben")
    lqw.set_text("L1.1", "implementation", "Leitbild 2026 mit allen Teams erarbeitet.")
    assert {f.check for f in lqw.checklist_data().readiness.findings() if f.requirement_id == "L1.1"} == {
        Check.EVIDENCE
    }
    doc = register.add_reference("A", title="Leitbild", location="Website", review_on="2027-01-31")
    register.link(lqw.cycle.id, "L1.1", doc)
    valid = replace(lqw.checklist_data(), as_of=date(2026, 12, 1)).readiness
    assert not [f for f in valid.findings() if f.requirement_id == "L1.1"] and valid.ready == 1
    later = replace(lqw.checklist_data(), as_of=today).readiness
    expired = [f for f in later.findings() if f.requirement_id == "L1.1"]
    assert [(f.check, f.severity, f.page, f.document_id) for f in expired] == [
        (Check.EXPIRED, Severity.MISSING, "nachweise", doc.id)
    ]
    assert "seit 31.01.2027 abgelaufen" in expired[0].message and later.ready == 0
    register.update(doc, "review_on", "2029-12-31")
    fixed = replace(lqw.checklist_data(), as_of=today).readiness
    assert not [f for f in fixed.findings() if f.requirement_id == "L1.1"]
    area = fixed.areas[0]
    assert fixed.ready == 1 and area.ready == 1 and area.percent == round(100 / area.total)
    # an old document without a review date is a hint, not a blocker
    old = register.add_reference("A", title="Konzept 2019", location="Ordner", effective_on="2019-02-01")
    register.link(lqw.cycle.id, "L1.1", old)
    hint = [f for f in lqw.checklist_data().readiness.findings() if f.requirement_id == "L1.1"]
    assert [(f.check, f.severity) for f in hint] == [(Check.OUTDATED, Severity.HINT)]
    assert "mehr als ein Jahr vor Beginn dieses Zyklus" in hint[0].message and "01.02.2019" in hint[0].message
    # a document from a few months before the cycle began is normal: no hint (it used to say "älter als dieser Zyklus")
    register.update(old, "effective_on", (date.today() - timedelta(days=90)).isoformat())
    recent = [f for f in lqw.checklist_data().readiness.findings() if f.requirement_id == "L1.1"]
    assert recent == []


def test_not_applicable_needs_a_reason_but_no_evidence(store, catalogs):
    inst = CycleService(store).create_institution("Beratungsstelle")
    qm4 = catalogs.get("qm4")
    ev = SelfEvaluation(store, CycleService(store).create_cycle(inst.id, "2027", qm4), qm4)
    req = next(r for r in qm4.requirements() if r.evidence_required)
    na = next(v.value for v in qm4.scale.values if v.not_applicable)
    ev.rate(req.id, na)
    messages = [f.message for f in ev.checklist_data().readiness.findings() if f.requirement_id == req.id]
    assert messages == ["Begründung fehlt, warum die Anforderung nicht zutrifft"]
    ev.set_text(req.id, "implementation", "Wir bieten keine Online-Kurse an.")
    assert not [f for f in ev.checklist_data().readiness.findings() if f.requirement_id == req.id]


def test_readiness_sheet_is_in_the_checklist(store, lqw, tmp_path):
    from qmkit.excel.checklist import build_workbook
    from qmkit.excel.style import save_workbook

    lqw.rate("L1.1", "beschrieben")
    path = save_workbook(build_workbook(lqw.checklist_data()), tmp_path / "c.xlsx")
    ws = load_workbook(path)["Einreichungscheck"]
    assert ws["A1"].value.startswith("Einreichungscheck vom") and "0 von" in ws["A1"].value
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r[1] == "L1.1"}
    assert rows["L1.1"][3] == "fehlt noch" and "Umsetzung ist nicht beschrieben" in rows["L1.1"][4]


def test_package_holds_checklist_files_and_index_with_working_links(store, lqw, files, tmp_path):
    register = EvidenceRegister(store, lqw.cycle.institution_id, files)
    leitbild, _n = register.add_upload(files.put(b"%PDF Leitbild", "../Leitbild 2026.pdf"), title="Leitbild")
    akte, _n = register.add_upload(files.put(b"%PDF vertraulich", "Fallakte.pdf"), title='=HYPERLINK("x")')
    register.update(akte, "on_site_only", True)
    ref = register.add_reference(title="Website", location="https://vhs.example/leitbild")
    for req in ("L1.1", "L1.3"):
        register.link(lqw.cycle.id, req, leitbild)
    register.link(lqw.cycle.id, "L2.1", akte)
    register.link(lqw.cycle.id, "L1.3", ref)
    result = build_package(lqw.checklist_data(), files, tmp_path / "out" / "paket.zip")
    assert result.files == 1 and not result.missing
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        zf.extractall(out)
    assert all(not n.startswith(("/", "..")) and ".." not in n.split("/") for n in names)
    assert HTML_INDEX in names and f"{EVIDENCE_FOLDER}/001_Leitbild_2026.pdf" in names
    assert not any("Fallakte" in n for n in names)  # only on site
    checklist = next(out.glob("*.xlsx"))
    wb = load_workbook(checklist)
    ws = wb[INDEX_SHEET]
    rows = list(ws.iter_rows(min_row=2))
    linked = [r for r in rows if r[4].hyperlink is not None]
    assert [r[0].value for r in linked] == ["L1.1", "L1.3"]
    for row in linked:  # the link is relative and leads to the file after unzipping
        target = row[4].hyperlink.target
        assert not target.startswith(("/", "file:", "http")) and (out / target).read_bytes() == b"%PDF Leitbild"
    akte_row = next(r for r in rows if r[0].value == "L2.1")
    assert akte_row[2].value == '=HYPERLINK("x")' and akte_row[2].data_type == "s"
    assert "nur vor Ort" in akte_row[4].value
    assert "https://vhs.example/leitbild" in next(r for r in rows if r[2].value == "Website")[4].value
    html = (out / HTML_INDEX).read_text(encoding="utf-8")
    assert 'href="Nachweise/001_Leitbild_2026.pdf"' in html and "<script" not in html
