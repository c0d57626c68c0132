"""Shared fixtures: an isolated data folder per session, a fresh store per test, the shipped catalogs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Notebook kernels (nbval) and subprocesses inherit this: tests never touch ./data or ./exports.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="qmkit-tests-"))
os.environ["QMKIT_DATA"] = str(_SESSION_DIR / "data")
os.environ["QMKIT_EXPORTS"] = str(_SESSION_DIR / "exports")
os.environ.pop("QMKIT_DB", None)
os.environ.pop("QMKIT_STANDARDS", None)

from qmkit.config import BUILTIN_STANDARDS  # noqa: E402
from qmkit.domain.catalog import CatalogSet  # noqa: E402
from qmkit.services.review import Review  # noqa: E402
from qmkit.services.workshop import Participation, Workshops  # noqa: E402
from qmkit.store import Store  # noqa: E402
from qmkit.store.catalogs import discover  # noqa: E402

SHIPPED = {"qm4", "lqw", "kqb", "qesplus", "qmf", "dkbm"}
_SHIPPED_CATALOGS: list[CatalogSet] = []


def shipped_catalogs() -> CatalogSet:
    if not _SHIPPED_CATALOGS:
        _SHIPPED_CATALOGS.append(discover([BUILTIN_STANDARDS]))
    return _SHIPPED_CATALOGS[0]


def plan(store: Store, cycle_id: int) -> Review:
    """The checked planning and review service of one cycle (the tests' way into goals, measures, reviews)."""
    return Review.open(store, cycle_id, shipped_catalogs())


def workshops(store: Store, cycle_id: int) -> Workshops:
    """The facilitator's checked service for the workshops of one cycle."""
    return Workshops.open(store, cycle_id, shipped_catalogs())


def taking_part(store: Store, workshop_id: int) -> Participation:
    """A participant's side of one workshop, opened as the join link opens it."""
    return Participation.open(store, store.workshops.get(workshop_id).token, shipped_catalogs())


def need_program(name: str) -> str:
    """Path of an external program; skip without it on a laptop, fail under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} ist nicht installiert (Debian: chromium bzw. libreoffice-calc-nogui)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, aber {message}")
    pytest.skip(message)


# Test modules whose store tests run on both engines (SQLite always; PostgreSQL when QMKIT_TEST_POSTGRES is set).
BOTH_ENGINES = {
    "test_store",
    "test_evidence",
    "test_timeline",
    "test_planning",
    "test_review",
    "test_workshop",
    "test_workshop_pages",
    "test_feedback",
    "test_concurrency",
    "test_excel_import",
    "test_users",
    "test_db_admin",
    "test_networks",
    "test_offers_members",
    "test_network_files",
    "test_surveys",
    "test_network_meetings",
    "test_word_reports",
    "test_inspections",
    "test_written",
    "test_quality_dialogues",
    "test_process_map",
    "test_audits",
    "test_offers_data",
    "test_goal_data",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__.rsplit(".", 1)[-1] not in BOTH_ENGINES:
        return
    for name in ("store_url", "empty_store_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, ["sqlite", "postgresql"], indirect=True)


def postgres_base_url() -> str:
    """``$QMKIT_TEST_POSTGRES`` (a SQLAlchemy URL of a database the tests may create schemas in).

    Without it the PostgreSQL variant skips on a laptop and fails under ``CI=true`` (``.ci/run`` starts one).
    """
    url = os.environ.get("QMKIT_TEST_POSTGRES", "").strip()
    if url:
        return url
    message = "QMKIT_TEST_POSTGRES ist nicht gesetzt (keine PostgreSQL-Datenbank für die Tests)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, aber {message}")
    pytest.skip(message)


@contextmanager
def _fresh_url(request: pytest.FixtureRequest, sqlite_file: Path, migrated: bool) -> Iterator[str]:
    """A SQLite file, or a schema of its own in the test PostgreSQL database (``request.param``)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    from tests.pg import fresh_schema

    with fresh_schema(postgres_base_url()) as url:
        if migrated:
            Store(url, upgrade=True).close()  # as the administrator's `qmkit db upgrade` does before anyone works
        yield url


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store's URL (schema migrated): SQLite, or PostgreSQL when the test is parametrized so."""
    with _fresh_url(request, tmp_path / "qmkit.sqlite", migrated=True) as url:
        yield url


@pytest.fixture
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Like ``store_url``, but nothing created yet (not even the schema's tables)."""
    with _fresh_url(request, tmp_path / "neu.sqlite", migrated=False) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def catalogs() -> CatalogSet:
    found = discover([BUILTIN_STANDARDS])
    assert not found.errors, found.errors
    return found


def libreoffice_pdf_text(xlsx: Path, workdir: Path) -> tuple[str, int]:
    """Convert a workbook to PDF with LibreOffice headless; return its text (pdftotext) and page count."""
    import subprocess

    soffice = need_program("soffice")
    need_program("pdftotext")
    profile = workdir / "lo-profile"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = workdir / (xlsx.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return text, pages
