"""What the servers write down: no token, code or key in any log line (issue 18.11)."""

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

from qmkit.logs import RedactSecrets, redact
from qmkit.server.serve import join_command, serve_environment
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


@pytest.fixture
def participant_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The participant server alone (no kernels start without a valid token), its output in a file."""
    port = free_port()
    env = dict(serve_environment(), QMKIT_DATA=str(tmp_path / "data"), QMKIT_EXPORTS=str(tmp_path / "exports"))
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            join_command(port, "127.0.0.1"), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while not answers(base + "/") and time.time() < deadline:
        time.sleep(0.3)
    try:
        yield base, log
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(15)


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
