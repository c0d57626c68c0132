"""A page closed or left frees its kernel at once (issue 18.14): Voilà's shutdown request on page close was refused
(403, "'_xsrf' argument missing"), so every closed tab held its kernel (~140 MiB) until the idle cull."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from qmkit.config import NOTEBOOKS_DIR
from qmkit.server.serve import serve_environment, voila_command
from tests.conftest import need_program
from tests.test_browser import CHROMIUM_ARGS, answers, free_port, wait_for_page

pytestmark = pytest.mark.browser


def kernel_alive(base: str, kernel_id: str) -> bool:
    """Ask the server: its kernel API answers 404 for a kernel that was shut down."""
    try:
        with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=10) as response:
            return bool(json.load(response)["id"] == kernel_id)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise


def wait_until_gone(base: str, kernel_id: str, timeout: float = 30) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not kernel_alive(base, kernel_id):
            return True
        time.sleep(0.5)
    return False


def page_kernel(page) -> str:
    return str(page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))


def test_a_closed_or_left_page_frees_its_kernel(tmp_path: Path):
    need_program("chromium")
    from playwright.sync_api import sync_playwright

    notebooks = tmp_path / "notebooks"  # the start page alone: one preheated kernel, not seven
    notebooks.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "Start.ipynb", notebooks)
    port = free_port()
    env = dict(serve_environment(), QMKIT_DATA=str(tmp_path / "data"), QMKIT_EXPORTS=str(tmp_path / "exports"))
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        command = voila_command(port, "127.0.0.1", notebooks=notebooks)
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while not answers(base + "/voila/static/") and time.time() < deadline:
            time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context()
            context.set_default_navigation_timeout(90_000)
            left = context.new_page()
            left.goto(base + "/voila/render/Start.ipynb")
            wait_for_page(left)
            first = page_kernel(left)
            assert kernel_alive(base, first)
            left.goto("about:blank")  # the person follows a link elsewhere
            assert wait_until_gone(base, first), "the kernel of a page left behind is still running"

            closed = context.new_page()
            closed.goto(base + "/voila/render/Start.ipynb")
            wait_for_page(closed)
            second = page_kernel(closed)
            assert second != first and kernel_alive(base, second)
            closed.close(run_before_unload=True)  # the tab is closed
            assert wait_until_gone(base, second), "the kernel of a closed tab is still running"
            browser.close()
        text = log.read_text(errors="replace")
        assert "_xsrf" not in text and "403 POST" not in text, text
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(15)
