"""The Nachweise and Einreichung pages, driven like a user: set values, click, then look at the store."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store.files import EvidenceFiles
from qmkit.ui.app import build_page
from qmkit.ui.pages.evidence import EvidencePage
from qmkit.ui.pages.submission import SubmissionPage


@pytest.fixture
def evaluation(store, catalogs):
    inst = CycleService(store).create_institution("Familienzentrum Süd", qmb="C. Brandt")
    cat = catalogs.get("lqw")
    return SelfEvaluation(store, CycleService(store).create_cycle(inst.id, "Testierung 2027", cat), cat)


@pytest.fixture
def files(tmp_path: Path) -> EvidenceFiles:
    return EvidenceFiles(tmp_path / "evidence", max_bytes=3 * 1024 * 1024)


def _send(page: EvidencePage, name: str, content: bytes, chunk: int = 1024 * 1024) -> None:
    """What the browser sends for one chosen file: start, pieces, end."""
    page.upload.receive({"kind": "start", "name": name, "size": len(content)})
    for offset in range(0, len(content), chunk):
        page.upload.receive({"kind": "chunk", "offset": offset}, [memoryview(content[offset : offset + chunk])])
    page.upload.receive({"kind": "end"})


def test_upload_link_and_edit_a_document(evaluation, files):
    page = EvidencePage(evaluation, files, today=date(2027, 3, 1))
    page.link_new.value = "L1.1"
    content = b"%PDF-1.7 " + bytes(range(256)) * 9000  # 2.3 MB in three pieces
    _send(page, "C:\\fakepath\\Leitbild 2026.pdf", content)
    assert "ist im Register gespeichert" in page.feedback.widget.value and "L1.1" in page.feedback.widget.value
    [doc] = page.register.documents()
    assert (doc.title, doc.file_name, doc.file_size) == ("Leitbild 2026", "Leitbild 2026.pdf", len(content))
    assert files.read(doc.file_hash) == content
    assert [e.document.id for e in evaluation.assessment("L1.1").evidence] == [doc.id]
    assert "Leitbild 2026.pdf" in page.table.value and "L1.1" in page.table.value
    # the editor shows the new document (name and size; no checksum for people to puzzle over)
    assert page.selected().id == doc.id
    assert "Datei: Leitbild 2026.pdf, " in page.file_info.value
    assert "Prüfwert" not in page.file_info.value and doc.file_hash[:8] not in page.file_info.value
    page.editor.inputs["version"].value = "2.1"
    page.editor.inputs["kind"].value = "leitbild"
    page.editor.inputs["effective_on"].value = date(2026, 9, 1)
    page.editor.inputs["review_on"].value = date(2026, 1, 1)  # before "Stand vom": refused at the field
    assert "„Gültig bis“ liegt vor „Stand vom“" in page.editor.error_text("review_on")
    stored = page.register.document(doc.id)
    assert (stored.version, stored.kind.value, stored.effective_on, stored.review_on) == (
        "2.1",
        "leitbild",
        date(2026, 9, 1),
        None,
    )
    # link to a second requirement, then unlink the first
    page.link_choice.value = "L1.3"
    page.link_button.click()
    assert sorted(e.requirement_id for e in evaluation.evidence()) == ["L1.1", "L1.3"]
    unlink = page.links_box.children[0].children[1]
    unlink.click()
    assert [e.requirement_id for e in evaluation.evidence()] == ["L1.3"]


def test_same_file_twice_and_too_large_files(evaluation, files):
    page = EvidencePage(evaluation, files)
    _send(page, "a.pdf", b"gleich")
    _send(page, "b.pdf", b"gleich")
    assert "schon im Register" in page.feedback.widget.value and len(page.register.documents()) == 1
    page.upload.receive({"kind": "refused", "name": "Video.mp4", "size": 900 * 1024 * 1024})  # checked in the browser
    assert "zu groß (900,0 MB); erlaubt sind höchstens 3,0 MB" in page.feedback.widget.value
    page.upload.receive({"kind": "start", "name": "lügt.pdf", "size": 10}, [])  # announces less than it sends
    page.upload.receive({"kind": "chunk", "offset": 0}, [b"x" * 4 * 1024 * 1024])
    assert "zu groß" in page.feedback.widget.value
    page.upload.receive({"kind": "end"}, [])
    assert len(page.register.documents()) == 1 and not any(files.incoming.iterdir())


def test_reference_without_file_and_hostile_text(evaluation, files):
    page = EvidencePage(evaluation, files)
    page.ref_title.value = "<script>window.x=1</script>"
    page.ref_place.value = '=HYPERLINK("http://evil")'
    page.ref_button.click()
    [doc] = page.register.documents()
    assert doc.title == "<script>window.x=1</script>" and not doc.has_file
    assert "<script>" not in page.table.value and "&lt;script&gt;" in page.table.value
    page.ref_title.value = ""
    page.ref_button.click()
    assert "Bitte einen Titel" in page.feedback.widget.value and len(page.register.documents()) == 1


def test_delete_asks_before_removing_links(evaluation, files):
    page = EvidencePage(evaluation, files)
    page.ref_title.value = "Hygieneplan"
    page.link_new.value = "L2.1"
    page.ref_button.click()
    page.delete_button.click()
    assert "noch 1 Anforderung" in page.feedback.widget.value and len(page.register.documents()) == 1
    page.delete_links.value = True
    page.delete_button.click()
    assert page.register.documents() == [] and evaluation.assessment("L2.1").evidence == ()


def test_readiness_rises_and_the_package_is_built(evaluation, files, tmp_path, monkeypatch):
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    submission = SubmissionPage(evaluation, files)
    before = submission.readiness
    assert before is not None and before.ready == 0
    assert 'href="Selbstbewertung.ipynb?zyklus=' in submission.findings.value
    assert "Nachweis erforderlich" in submission.findings.value
    evaluation.rate("L1.1", "beschrieben")
    evaluation.set_text("L1.1", "implementation", "Leitbild mit allen Teams erarbeitet.")
    page = EvidencePage(evaluation, files)
    page.link_new.value = "L1.1"
    _send(page, "Leitbild.pdf", b"%PDF Leitbild")
    submission.recheck.click()
    after = submission.readiness
    assert after is not None and after.ready == before.ready + 1
    assert f"{after.areas[0].percent} %" in submission.summary.value
    submission.package_button.click()
    archive = next((tmp_path / "exports").glob("Einreichung_*.zip"))
    with zipfile.ZipFile(archive) as zf:
        assert "Nachweise/001_Leitbild.pdf" in zf.namelist()
    assert 'id="qm-package-download"' in submission.package_info.value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_pages_open_from_their_address(store, catalogs, evaluation):
    cycle = str(evaluation.cycle.id)
    built = build_page("nachweise", {"zyklus": cycle, "anforderung": "L2.1"}, store, catalogs)
    values = [getattr(x, "value", None) for x in _walk(built)]
    assert "L2.1" in values and any("Nachweisregister" in str(v) for v in values)
    sub = build_page("einreichung", {"zyklus": cycle}, store, catalogs)
    assert any("Einreichungscheck" in str(getattr(x, "value", "")) for x in _walk(sub))
    selfeval = build_page("selbstbewertung", {"zyklus": cycle, "anforderung": "L3.1"}, store, catalogs)
    nav = next(x for x in _walk(selfeval) if "qm-area-nav" in getattr(x, "_dom_classes", ()))
    assert nav.value == catalogs.get("lqw").area_of("L3.1").id
