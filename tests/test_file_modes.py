"""Other users of a shared machine read nothing of qmkit's: the data folder is 0700, the store, evidence files,
exports and logs 0600 – whatever the umask (issue 18.13)."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from qmkit.documents.package import build_package
from qmkit.excel.style import save_atomic
from qmkit.logs import file_handler
from qmkit.services.certification import CertificationPlan
from qmkit.services.cycles import CycleService
from qmkit.services.register import EvidenceRegister
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from qmkit.store.files import EvidenceFiles
from qmkit.ui.pages.timeline import TimelinePage


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask of most desktops and servers (files 0644, folders 0755 unless qmkit says otherwise)."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_store_evidence_exports_and_log_are_the_owners_only(tmp_path: Path, usual_umask, catalogs, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    store = Store(f"sqlite:///{data / 'qmkit.sqlite'}", upgrade=True)
    try:
        inst = CycleService(store).create_institution("VHS Nord")
        cat = catalogs.get("lqw")
        cycle = CycleService(store).create_cycle(inst.id, "2027", cat)
        assert mode(data) == 0o700
        database = [p for p in data.iterdir() if p.name.startswith("qmkit.sqlite") and p.is_file()]
        assert {p.name for p in database} >= {"qmkit.sqlite", "qmkit.sqlite-wal"}
        assert {p.name: mode(p) for p in database} == {p.name: 0o600 for p in database}

        files = EvidenceFiles(data / "evidence")
        stored = files.put(b"%PDF Leitbild", "Leitbild.pdf")
        assert mode(data / "evidence") == 0o700 and mode(files.path(stored.digest).parent) == 0o700
        assert mode(files.path(stored.digest)) == 0o600
        evaluation = SelfEvaluation(store, cycle, cat)
        document, _new = EvidenceRegister(store, inst.id, files).add_upload(stored, title="Leitbild")
        EvidenceRegister(store, inst.id, files).link(cycle.id, "L1.1", document)

        exports = tmp_path / "exports"
        workbook = save_atomic(exports / "Checkliste.xlsx", lambda tmp: Path(tmp).write_bytes(b"x"))
        assert mode(exports) == 0o700 and mode(workbook) == 0o600
        package = build_package(evaluation.checklist_data(), files, exports / "paket.zip")
        assert mode(package.path) == 0o600
        plan = CertificationPlan(evaluation, today=date(2026, 11, 23))
        plan.set_certificate("certified_on", date(2027, 5, 24))
        TimelinePage(evaluation, today=date(2026, 11, 23)).export_calendar()
        [calendar] = exports.glob("*.ics")
        assert mode(calendar) == 0o600
    finally:
        store.close()

    handler = file_handler(data)
    logger = logging.getLogger("qmkit.test-modes")
    logger.addHandler(handler)
    logger.warning("eine Zeile")
    logger.removeHandler(handler)
    handler.close()
    assert mode(data / "qmkit.log") == 0o600


def test_command_line_creates_a_private_data_folder(tmp_path: Path):
    """`qmkit demo` (like `qmkit serve`, whose servers and page kernels inherit it) under the usual umask."""
    env = dict(os.environ, QMKIT_DATA=str(tmp_path / "neu"), QMKIT_EXPORTS=str(tmp_path / "exports"))
    script = "import os, sys; os.umask(0o022); from qmkit.cli import main; sys.exit(main(['demo']))"
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, timeout=120)
    assert mode(tmp_path / "neu") == 0o700
    written = [p for p in (tmp_path / "neu").rglob("*") if p.is_file()]
    assert written and {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}


def test_serve_makes_an_existing_data_folder_private(tmp_path: Path, usual_umask):
    """A data folder of an earlier release (0755, store 0644) is closed when the app starts."""
    from qmkit.config import private_data

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "qmkit.sqlite").write_bytes(b"")
    os.chmod(data / "qmkit.sqlite", 0o644)
    (data / "qmkit.log").write_text("x")
    private_data(data)
    assert mode(data) == 0o700
    assert mode(data / "qmkit.sqlite") == 0o600 and mode(data / "qmkit.log") == 0o600
