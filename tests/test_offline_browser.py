"""qmkit's own Voilà against the real `qmkit serve` (issue 12): every page and the participant page load nothing
from another host and show their Font Awesome icons; `/` leads to the start page and no listing shows the
participant notebook; after `kill -9` of every kernel each everyday page opens in the usual time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from qmkit.config import NOTEBOOKS_DIR
from qmkit.server.serve import COLD_PAGES, START_NOTEBOOK

from .test_browser import APP_KEYS, NO_REDIRECT, browser, kernels_below, start_server, stop_server  # noqa: F401
from .test_workshop_browser import make_workshop

APP_PAGES = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))
NEEDS_NO_CYCLE = {START_NOTEBOOK, "Katalog.ipynb"}
POOL_PAGES = [name for name in APP_PAGES if name not in COLD_PAGES]  # the everyday pages, preheated
ENGLISH_ERRORS = ("An exception occurred", "Traceback", "error when executing", "DeadKernelError", "Server Error")
USUAL_SECONDS = 30  # the bound for a page after its pool kernel died; raised on a machine slower right now


@dataclass
class Served:
    proc: subprocess.Popen
    base: str
    join: str
    log: Path
    cycle_id: int
    token: str
    usual: dict[str, float] = field(default_factory=dict)  # seconds a page took to show its content

    def page_url(self, name: str) -> str:
        query = "" if name in NEEDS_NO_CYCLE else f"?zyklus={self.cycle_id}"
        return f"{self.base}/voila/render/{name}{query}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("offline")
    proc, log, base, env = start_server(data)
    qmkit = str(Path(sys.executable).parent / "qmkit")
    subprocess.run([qmkit, "demo", "--catalog", "qm4"], env=env, check=True, capture_output=True)
    _catalog, workshop = make_workshop(env, "Ohne Internet")
    join = env["QMKIT_TEST_JOIN_BASE"].rstrip("/")
    yield Served(proc, base, join, data / "serve.log", workshop.cycle_id, workshop.token)
    stop_server(proc, log)


def fetch(url: str) -> tuple[int, str, str]:
    """Status, Location header and body of one request, without following a redirect (with the app server's key
    cookie, as the person's browser has it after the printed link)."""
    port = urlparse(url).port
    headers = {"Cookie": f"qmkit-zugang-{port}={APP_KEYS[port]}"} if port in APP_KEYS else {}
    try:
        with NO_REDIRECT.open(urllib.request.Request(url, headers=headers), timeout=30) as answer:
            return answer.status, answer.headers.get("Location", ""), answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode("utf-8", "replace")


def test_root_leads_to_start_page_and_no_listing_shows_the_participant_page(served):
    for path in ("/", "/voila/tree", "/voila/tree/", "/voila/tree/Start.ipynb"):
        status, location, _body = fetch(served.base + path)
        assert status == 302 and location.endswith("/voila/render/Start.ipynb"), (path, status, location)
    hidden = ("/voila/api/contents", "/voila/api/contents/", "/voila/api/contents/Start.ipynb")
    for path in hidden:
        status, _location, body = fetch(served.base + path)
        assert status == 404 and "Diese Seite gibt es hier nicht." in body, (path, status)
        assert ".ipynb" not in body
    status, _location, body = fetch(served.base + "/voila/render/Teilnahme.ipynb")  # the old participant page
    assert status == 404, status
    status, _location, body = fetch(served.join + "/")  # the participant server: the join form, not a list
    assert status == 200 and "Beitrittscode" in body and ".ipynb" not in body
    for path in ("/voila/render/Start.ipynb", "/voila/tree", "/api/kernels", "/befragung/x"):  # no Voilà there
        status, _location, body = fetch(served.join + path)
        assert status == 404 and "Diese Seite gibt es hier nicht." in body, (path, status)


def wait_for_content(page, selector: str = ".qm-page", timeout_s: float = 90) -> None:
    page.wait_for_selector(selector, timeout=timeout_s * 1000)
    body = page.inner_text("body")
    for text in ENGLISH_ERRORS:
        assert text not in body, f"{page.url}: {body[:300]}"


def open_page(page, url: str, timeout_s: float = 90) -> float:
    """Open a page; the seconds until it shows its content (without an English error)."""
    start = time.time()
    page.goto(url, wait_until="commit")
    wait_for_content(page, timeout_s=timeout_s)
    return time.time() - start


def assert_icons_render(page, selector: str) -> None:
    """A Font Awesome icon of the page uses the font, and the browser loaded it (from the page's own server)."""
    icon = page.locator(selector).first
    icon.wait_for()
    assert "Font Awesome" in icon.evaluate("e => getComputedStyle(e).fontFamily")
    loaded = page.evaluate("async () => (await document.fonts.load('900 16px \"Font Awesome 5 Free\"')).length")
    assert loaded >= 1, "Font Awesome 5 Free not loaded"
    assert icon.evaluate("e => e.getBoundingClientRect().width") > 4


def host_of(url: str) -> str:
    """The host a request goes to; "" for data: URLs (in the page), the creating page's host for blob: URLs."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return ""
    return urlparse(url[5:]).netloc if parsed.scheme == "blob" else parsed.netloc


@pytest.mark.browser
def test_every_page_loads_nothing_from_another_host(served, browser):  # noqa: F811
    own = {urlparse(served.base).netloc, urlparse(served.join).netloc}
    seen: list[tuple[str, str]] = []
    broken: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("request", lambda r: seen.append((r.url, r.resource_type)))
    context.on("requestfailed", lambda r: broken.append(f"{r.url} {r.failure}"))
    context.on("response", lambda r: r.status >= 400 and broken.append(f"{r.url} {r.status}"))
    page = context.new_page()
    page.on("websocket", lambda ws: seen.append((ws.url, "websocket")))

    served.usual[START_NOTEBOOK] = open_page(page, served.base + "/")
    assert page.url == served.base + "/voila/render/Start.ipynb"
    assert_icons_render(page, ".fa-plus")
    for name in APP_PAGES:
        if name != START_NOTEBOOK:
            served.usual[name] = open_page(page, served.page_url(name))
    page.goto(f"{served.join}/?t={served.token}")
    wait_for_content(page, ".qm-join")
    context.close()

    outside = sorted({url for url, _kind in seen if host_of(url) not in own | {""}})
    assert not outside, f"requests to other hosts: {outside}"
    assert any(kind == "font" and host_of(url) in own for url, kind in seen), "no icon font from the server"
    assert any(kind == "websocket" for _url, kind in seen)  # the recording saw the pages' kernels connect
    assert not [b for b in broken if "/voila/" in b and any(x in b for x in (".js", ".css", ".woff", "font"))], broken


def kernel_server(proc: subprocess.Popen) -> int:
    """The app server's Voilà process below `qmkit serve`."""
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"qmkit.server.app" in (entry / "cmdline").read_bytes():
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == proc.pid:
                    return int(entry.name)
        except OSError:
            continue
    pytest.fail("app server process not found")


def wait_for_warm_pools(log: Path, timeout: float = 180) -> None:
    """Every everyday page has a started pool kernel: Voilà's last word on its pool is 'filled', not 'Using'."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = log.read_text(errors="replace")
        cold = [
            name
            for name in POOL_PAGES
            if text.rfind(f"Kernel pool of {name} is filled") <= text.rfind(f"for {name}\n")
            or f"Kernel pool of {name} is filled" not in text
        ]
        if not cold:
            return
        time.sleep(0.5)
    pytest.fail(f"pools not warm after {timeout} s: {cold}")


def wait_until_dead(pids: set[int], timeout: float = 30) -> None:
    """Until every process has ended (a zombie not yet reaped by its parent counts as ended)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        alive = set()
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
            except OSError:
                continue
        if not alive:
            return
        time.sleep(0.05)
    pytest.fail(f"still running after SIGKILL: {alive}")


@pytest.mark.browser
def test_dead_pool_kernels_are_never_handed_out(served, browser):  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for name in POOL_PAGES:  # the usual time on this machine now (the other test measured most already)
        served.usual.setdefault(name, open_page(page, served.page_url(name)))
    limit = max(USUAL_SECONDS, 3 * max(served.usual[name] for name in POOL_PAGES))
    wait_for_warm_pools(served.log)
    time.sleep(2)  # let the pool kernels reach the page's first wait
    kernels = kernels_below(kernel_server(served.proc))
    assert len(kernels) >= len(POOL_PAGES)
    for pid in kernels:
        os.kill(pid, signal.SIGKILL)
    wait_until_dead(kernels)

    took = {name: round(open_page(page, served.page_url(name), limit + 30), 1) for name in POOL_PAGES}
    page.context.close()
    assert all(seconds < limit for seconds in took.values()), (limit, took)
    wait_for_warm_pools(served.log)  # and the pools are full again
