"""What the servers and pages write down: no token, code or key in any log line (issue 18.11); qmkit.log rotated
by size, one line per failure with its reference (18.12). Odd addresses get a plain 404 or 403, never a 500 with a
traceback (18.15)."""

from __future__ import annotations

import logging
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from qmkit.logs import BACKUPS, MAX_BYTES, OneLine, RedactSecrets, file_handler, redact
from qmkit.server.serve import join_command, serve_environment, voila_command
from tests.test_browser import answers, free_port

SECRETS = ("S3cretT0ken", "CODE42", "PartKey77", "M0derat0r", "xsrfValue9", "pw0rd")


@pytest.mark.parametrize(
    "line",
    [
        "403 GET /?t=S3cretT0ken (127.0.0.1) 182.27ms",
        "404 GET /?code=CODE42 (127.0.0.1) 22.90ms",
        "403 GET /?t=S3cretT0ken&p=PartKey77 (127.0.0.1) 10.89ms",
        "200 GET /voila/render/Workshop.ipynb?zyklus=3&moderation=M0derat0r (::1) 5ms",
        "302 GET /login?next=%2Fvoila%2Frender%2FWorkshop.ipynb%3Fzyklus%3D3%26moderation%3DM0derat0r (1.2.3.4)",
        "403 POST /voila/api/shutdown/abc?_xsrf=xsrfValue9 referer=http://h/x?token=S3cretT0ken",
        "HTTPServerRequest(protocol='http', uri='/?T=S3cretT0ken', remote_ip='127.0.0.1')",
        "Cookie: qmkit_ws12=PartKey77; _xsrf=xsrfValue9",
        "store unreachable: connection to postgresql://qmkit:pw0rd@db-host/qmkit failed",
        "Authorization: token S3cretT0ken",
    ],
)
def test_secrets_are_blanked_out_of_a_line(line):
    cleaned = redact(line)
    assert not any(secret in cleaned for secret in SECRETS), cleaned
    assert "[entfernt]" in cleaned


def test_harmless_arguments_stay():
    line = "200 GET /voila/render/Selbstbewertung.ipynb?zyklus=3&format=x (127.0.0.1) at=5"
    assert redact(line) == line


def test_the_filter_cleans_message_arguments_and_traceback(tmp_path: Path):
    logger = logging.getLogger("qmkit.test-redact")
    handler = logging.FileHandler(tmp_path / "x.log", encoding="utf-8")
    handler.addFilter(RedactSecrets())
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("bad address /?t=S3cretT0ken")
        except ValueError:
            logger.exception("request %s failed", "/?code=CODE42")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "x.log").read_text(encoding="utf-8")
    assert "request /?code=[entfernt] failed" in text and "ValueError" in text
    assert "S3cretT0ken" not in text and "CODE42" not in text


def _server(tmp_path: Path, command: list[str], port: int) -> Iterator[tuple[str, Path]]:
    env = dict(serve_environment(), QMKIT_DATA=str(tmp_path / "data"), QMKIT_EXPORTS=str(tmp_path / "exports"))
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while not answers(base + "/") and time.time() < deadline:
        time.sleep(0.3)
    try:
        yield base, log
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(15)


@pytest.fixture
def participant_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The participant server alone (it never starts a kernel), its output in a file."""
    port = free_port()
    yield from _server(tmp_path, join_command(port, "127.0.0.1"), port)


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app server on a folder without notebooks (no kernel starts), its output in a file."""
    port = free_port()
    (tmp_path / "leer").mkdir()
    yield from _server(tmp_path, voila_command(port, "127.0.0.1", notebooks=tmp_path / "leer"), port)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_participant_server_log_holds_no_token_code_or_key(participant_server):
    base, log = participant_server
    assert get(base + "/?t=S3cretT0ken") == 403
    assert get(base + "/?code=CODE42") == 404
    assert get(base + "/?t=S3cretT0ken&p=PartKey77") == 403
    assert get(base + "/voila/render/Teilnahme.ipynb?moderation=M0derat0r&token=S3cretT0ken") in (403, 404)
    time.sleep(1)
    text = log.read_text(errors="replace")
    assert "403 GET /?t=[entfernt]" in text, text  # the line is there, without its secret
    assert not any(secret in text for secret in SECRETS), text


# ---------------------------------------------------------------------------- qmkit.log: size and shape


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("qmkit.log"))


def test_log_file_rotates_by_size_and_keeps_a_few_files(tmp_path: Path):
    logger = logging.getLogger("qmkit.test-rotate")
    logger.propagate = False
    handler = file_handler(tmp_path, max_bytes=2000, backups=2)
    other = file_handler(tmp_path, max_bytes=2000, backups=2)  # a second kernel writing to the same file
    try:
        for n in range(200):
            writer = handler if n % 2 else other  # the two kernels take turns
            logger.addHandler(writer)
            logger.warning("Zeile %03d %s", n, "x" * 60)
            logger.removeHandler(writer)
    finally:
        handler.close()
        other.close()
    assert _files(tmp_path) == ["qmkit.log", "qmkit.log.1", "qmkit.log.2"]
    assert all((tmp_path / name).stat().st_size <= 2000 for name in _files(tmp_path))
    newest = (tmp_path / "qmkit.log").read_text(encoding="utf-8")
    assert "Zeile 199" in newest and "Zeile 198" in newest  # both writers went on in the new file


def test_pages_log_to_a_rotated_file(tmp_path: Path, monkeypatch):
    from logging.handlers import RotatingFileHandler

    from qmkit.ui.app import _setup_logging

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    root = logging.getLogger("qmkit")
    monkeypatch.setattr(root, "handlers", [])
    _setup_logging()
    [handler] = root.handlers
    try:
        assert isinstance(handler, RotatingFileHandler) and isinstance(handler.formatter, OneLine)
        assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUPS) == (5 * 1024 * 1024, 3)
        assert Path(handler.baseFilename) == tmp_path / "data" / "qmkit.log"
    finally:
        handler.close()


def test_a_failure_is_one_line_with_its_reference(tmp_path: Path, monkeypatch):
    from qmkit.ui.widgets.common import Feedback, unexpected

    root = logging.getLogger("qmkit")
    handler = file_handler(tmp_path)
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setattr(root, "level", logging.INFO)

    def inner():
        raise ValueError("kaputt\nbei /?t=S3cretT0ken")

    feedback = Feedback()
    try:
        inner()
    except ValueError as exc:
        unexpected(feedback, exc)
    handler.close()
    ref = feedback.widget.value.split("Referenz ")[1][:8]
    lines = (tmp_path / "qmkit.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, lines
    [line] = lines
    assert f"ERROR qmkit.ui: unexpected error {ref} | ValueError: kaputt ⏎ bei /?t=[entfernt]" in line
    assert "test_server_logs.py:" in line and " inner" in line and "S3cretT0ken" not in line


# ---------------------------------------------------------------------------- odd addresses (issue 18.15)

ODD_ADDRESSES = [
    "/logout",
    "/login",
    "/login?next=%2Fvoila%2Frender%2FStart.ipynb",
    "/voila/templates/lab/static/..%2f..%2fapp.py",
    "/voila/templates/lab/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/templates/..%2f..%2fapp.py",
    "/voila/templates/lab",
    "/voila/templates/lab/static/%2e%2e/%2e%2e/app.py",
]


def _no_failure_in(log: Path) -> None:
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "Uncaught exception" not in text and "\n500 " not in text, text


@pytest.mark.parametrize("server", ["participant_server", "app_server"])
def test_odd_addresses_are_refused_without_a_traceback(server, request):
    base, log = request.getfixturevalue(server)
    for address in ODD_ADDRESSES:
        assert get(base + address) in (403, 404), address
    served = 200 if server == "app_server" else 404  # the participant server has none of Voilà's routes
    assert get(base + "/voila/templates/qmkit/static/voila.js") == served  # the app's template files are served
    assert get(base + "/voila/templates/qmkit/static/nichtda.js") == 404
    time.sleep(1)
    _no_failure_in(log)
