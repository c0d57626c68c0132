"""End to end in headless Chromium against the real `qmkit serve`: create, rate, reload, export, download."""

from __future__ import annotations

import base64
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.config import BUILTIN_STANDARDS, NOTEBOOKS_DIR
from qmkit.services.cycles import CycleService
from qmkit.store import Store
from qmkit.store.catalogs import discover

from .conftest import SHIPPED, libreoffice_pdf_text, need_program

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # report the redirect itself (urllib then raises HTTPError with its code)


NO_REDIRECT = urllib.request.build_opener(_NoRedirect)


def answers(url: str) -> bool:
    """Whether a server answers at ``url`` at all (a redirect or an error page counts; nothing is rendered)."""
    try:
        NO_REDIRECT.open(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def start_server(data: Path, *extra: str):
    """`qmkit serve` as the README starts it, on a free port with its own data folder."""
    port, join_port = free_port(), free_port()
    env = dict(os.environ, QMKIT_DATA=str(data / "data"), QMKIT_EXPORTS=str(data / "exports"))
    env["QMKIT_TEST_JOIN_BASE"] = f"http://127.0.0.1:{join_port}/"  # only read by the tests
    log = open(data / "serve.log", "w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "qmkit"),
            "serve",
            "--port",
            str(port),
            "--join-port",
            str(join_port),
            *extra,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:  # `/` leads to the start page: do not follow (that would take a pool kernel)
        if answers(base + "/") and answers(env["QMKIT_TEST_JOIN_BASE"]):
            break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("qmkit serve did not start: " + (data / "serve.log").read_text())
    wait_for_pools(data / "serve.log")
    key_file = data / "data" / "zugang.key"
    if key_file.exists():  # the link `qmkit serve` printed carries it; the test browser gets its cookie
        APP_KEYS[port] = key_file.read_text().strip()
        env["QMKIT_TEST_APP_KEY"] = APP_KEYS[port]
    return proc, log, base, env


# port → key of the app servers the tests started: every browser context carries their cookies, as a person's
# browser does after opening the link once (tests/test_app_key.py opens it without and with the link)
APP_KEYS: dict[int, str] = {}


def key_cookies() -> list[dict]:
    return [
        {"name": f"qmkit-zugang-{port}", "value": key, "domain": "127.0.0.1", "path": "/"}
        for port, key in APP_KEYS.items()
    ]


def wait_for_pools(log_path: Path, timeout: float = 180) -> None:
    """Wait until every everyday page's preheated kernel is ready (the server logs each filled pool).

    At launch the server starts a kernel for every everyday page at once; on two busy cores the first page a
    test opens could otherwise wait for all of them past Playwright's 30 s. Nothing is rendered here.
    """
    from qmkit.server.serve import COLD_PAGES

    pages = {p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")} - set(COLD_PAGES)
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = log_path.read_text(errors="replace")
        if all(f"Kernel pool of {name} is filled" in text for name in pages):
            return
        time.sleep(0.5)


def stop_server(proc, log) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`qmkit serve` as the README starts it, on a free port with its own data folder."""
    proc, log, base, env = start_server(tmp_path_factory.mktemp("e2e-data"))
    yield base, env
    stop_server(proc, log)


@pytest.fixture(scope="module")
def browser():
    need_program("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield PatientBrowser(b)
        b.close()


NAVIGATION_MS = 90_000


class PatientBrowser:
    """Chromium whose pages wait up to 90 s for a navigation: on two busy cores a page's kernel may still be
    starting (the assertions about what a page shows keep their own limits)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, keyless: bool = False, **options):
        context = self._browser.new_context(**options)
        context.set_default_navigation_timeout(NAVIGATION_MS)
        if APP_KEYS and not keyless:
            context.add_cookies(key_cookies())
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.set_default_navigation_timeout(NAVIGATION_MS)
        if APP_KEYS:
            page.context.add_cookies(key_cookies())
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


def wait_for_page(page) -> None:
    page.wait_for_selector(".qm-page", timeout=60_000)
    body = page.inner_text("body")
    assert "error when executing" not in body.lower() and "Traceback" not in body


def card(page, req):
    return page.locator(".qm-card", has_text=f"{req.id} · {req.title}")


@pytest.mark.parametrize("catalog_id", sorted(SHIPPED))
def test_rate_reload_export_download(server, browser, tmp_path: Path, catalog_id: str):
    base, env = server
    catalog = discover([BUILTIN_STANDARDS]).get(catalog_id)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/voila/render/Start.ipynb")
    wait_for_page(page)

    page.get_by_placeholder("Name der Einrichtung").fill(f"Testhaus {catalog_id}")
    page.get_by_placeholder("QM-Beauftragte*r").fill("E. Ende")
    page.get_by_role("button", name="Einrichtung anlegen").click()
    page.get_by_text(f"Einrichtung „Testhaus {catalog_id}“ angelegt.").wait_for()
    page.locator(".widget-dropdown", has_text="Qualitätsmodell").locator("select").select_option(label=catalog.title)
    page.get_by_placeholder("Name des Zyklus").fill(f"Zyklus {catalog_id}")
    page.get_by_role("button", name="Zyklus anlegen").click()
    page.locator("#qm-open-selfeval").click()
    wait_for_page(page)

    first_area, second_area = catalog.areas[0], catalog.areas[1]
    req1, req2 = first_area.all_requirements()[0], second_area.all_requirements()[-1]
    label1, label2 = catalog.scale.values[0].label, catalog.scale.values[1].label
    card(page, req1).get_by_role("button", name=label1, exact=True).click()
    card(page, req1).get_by_text("gespeichert").wait_for()
    card(page, req1).locator("textarea").fill("Im Browser beschrieben <script>alert(1)</script>")
    if req1.evidence:  # take a suggested evidence document in the editor
        card(page, req1).get_by_role("button", name="Nachweise bearbeiten").click()
        card(page, req1).get_by_role("button", name=f"+ {req1.evidence[0]}").click()
        card(page, req1).get_by_role("button", name="Nachweise fertig").click()
        card(page, req1).get_by_role("button", name="Nachweise bearbeiten (1)").wait_for()
    page.get_by_role("button", name=f"{second_area.id} {second_area.title}").click()
    card(page, req2).get_by_role("button", name=label2, exact=True).click()
    card(page, req2).get_by_text("gespeichert").wait_for()
    page.get_by_text(f"2 von {len(catalog.requirements())} Anforderungen bewertet").wait_for()

    page.reload()
    wait_for_page(page)
    active = card(page, req1).locator(".mod-active")
    assert active.inner_text().strip() == label1
    assert card(page, req1).locator("textarea").input_value().startswith("Im Browser beschrieben <script>")
    page.get_by_role("button", name=f"{second_area.id} {second_area.title}").click()
    assert card(page, req2).locator(".mod-active").inner_text().strip() == label2

    page.get_by_role("button", name="Excel-Checkliste erstellen").click()
    link = page.locator("#qm-download")
    link.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / f"selbstbewertung-{catalog_id}.png"), full_page=True)
    href = link.get_attribute("href")
    assert href and href.startswith("data:application/vnd.openxmlformats")
    xlsx = tmp_path / link.get_attribute("download")
    xlsx.write_bytes(base64.b64decode(href.split(",", 1)[1]))
    wb = load_workbook(io.BytesIO(xlsx.read_bytes()))
    rows = {
        r[0]: r
        for name in wb.sheetnames[2 : 2 + len(catalog.areas)]
        for r in wb[name].iter_rows(min_row=2, values_only=True)
    }
    assert rows[req1.id][3] == label1 and rows[req2.id][3] == label2
    assert rows[req1.id][4] == "Im Browser beschrieben <script>alert(1)</script>"
    context.close()

    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    cycle = store.cycles.find(store.institutions.find(f"Testhaus {catalog_id}").id, f"Zyklus {catalog_id}")
    stored = store.assessments.get(cycle.id, req1.id)
    assert stored.rating == catalog.scale.values[0].value
    assert [e.title for e in stored.evidence] == req1.evidence[:1]
    store.close()

    if catalog_id == "qm4":  # the downloaded file itself opens and prints in LibreOffice
        text, pages = libreoffice_pdf_text(xlsx, tmp_path)
        assert pages >= 6 and f"Testhaus {catalog_id}" in text and label2 in text


def test_bad_address_shows_german_message(server, browser):
    base, _env = server
    page = browser.new_page()
    page.goto(base + "/voila/render/Selbstbewertung.ipynb?zyklus=%3Cscript%3E")
    wait_for_page(page)
    assert "keine gültige Zyklus-Nummer" in page.inner_text("body")
    page.close()


def test_other_users_of_the_machine_need_the_key_from_the_printed_link(server, browser):
    """A terminal server: everyone there can reach 127.0.0.1. Without the key: a German 403 and no page; the
    printed link lets in once, drops the key from the address and leaves a cookie that keeps the person in."""
    base, env = server
    key = env["QMKIT_TEST_APP_KEY"]
    start = base + "/voila/render/Start.ipynb"
    for url in (start, start + "?token=falsch", base + "/", base + "/voila/static/"):
        try:
            NO_REDIRECT.open(url, timeout=30).close()
            raise AssertionError(f"{url} answered without the key")
        except urllib.error.HTTPError as refused:
            assert refused.code == 403, url
            assert "Zugangsschlüssel" in refused.read().decode("utf-8"), url
    printed = (Path(env["QMKIT_DATA"]).parent / "serve.log").read_text()
    assert f"?token={key}" in printed  # the link `qmkit serve` shows
    stranger = browser.new_context(keyless=True)
    page = stranger.new_page()
    page.goto(start)
    assert "Zugangsschlüssel" in page.inner_text("body") and page.locator(".qm-page").count() == 0
    page.goto(f"{start}?token={key}")
    wait_for_page(page)
    assert "token" not in page.url  # the key left the address bar (history, screenshots)
    page.goto(start)  # later visits: the cookie
    wait_for_page(page)
    [cookie] = [c for c in stranger.cookies() if c["name"].startswith("qmkit-zugang-")]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    stranger.close()


def kernels_below(pid: int) -> set[int]:
    """ipykernel processes started (directly or not) by process ``pid``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found = set()
    for child in parents:
        ancestor = child
        while ancestor > 1 and ancestor != pid:
            ancestor = parents.get(ancestor, 1)
        try:
            if ancestor == pid and b"ipykernel" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found


def test_kernels_of_left_pages_are_ended_open_page_keeps_working(browser, tmp_path: Path):
    proc, log, base, env = start_server(tmp_path, "--cull-after", "6")
    try:
        subprocess.run(
            [str(Path(sys.executable).parent / "qmkit"), "demo", "--catalog", "qmf"],
            env=env,
            check=True,
            capture_output=True,
        )
        page = browser.new_page()
        page.goto(base + "/voila/render/Start.ipynb", timeout=90_000)  # about culling, not speed: a slow start is fine
        wait_for_page(page)
        page.locator("#qm-open-selfeval").click()  # the start page's kernel ends at once (issue 18.14)
        wait_for_page(page)
        crashed = browser.new_page()
        crashed.goto(base + "/voila/render/Start.ipynb", timeout=90_000)
        wait_for_page(crashed)
        crashed.close()  # without its beforeunload (like a browser that crashed): only the cull ends this kernel
        time.sleep(3)
        left_behind = kernels_below(proc.pid)
        deadline = time.time() + 60
        while time.time() < deadline and len(kernels_below(proc.pid)) >= len(left_behind):
            time.sleep(1)
        assert len(kernels_below(proc.pid)) < len(left_behind), "no kernel was ended"
        time.sleep(8)  # longer than --cull-after: the open page must still work
        catalog = discover([BUILTIN_STANDARDS]).get("qmf")
        req = catalog.requirements()[2]  # the demo leaves every third requirement open
        card(page, req).get_by_role("button", name=catalog.scale.values[0].label, exact=True).click()
        card(page, req).get_by_text("gespeichert").wait_for(timeout=15_000)
        store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
        assert store.assessments.get(store.cycles.latest().id, req.id).rating == catalog.scale.values[0].value
        store.close()
        page.close()
    finally:
        stop_server(proc, log)


def wait_until(check, timeout: float = 20.0):
    """Poll ``check`` (reading the store) until it returns something true; fail with the last value."""
    deadline = time.time() + timeout
    value = None
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"not reached in {timeout} s: {value!r}")


def select_with(page, option: str, without: str = "jeder Status"):
    """The drop-down that offers ``option`` but not ``without`` (forms label fields in separate text)."""
    return page.locator(f"select:has(option:text-is('{option}')):not(:has(option:text-is('{without}')))")


def test_rate_plan_review_next_cycle_compare(server, browser, tmp_path: Path):
    """The PDCA round in the browser: rate → measure from the gap → Do/Check/Act → next cycle → comparison."""
    base, env = server
    catalog = discover([BUILTIN_STANDARDS]).get("qm4")
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    inst = CycleService(store).create_institution("PDCA-Haus", qmb="E. Ende")
    first = CycleService(store).create_cycle(inst.id, "Zyklus 2026", catalog)
    req = catalog.requirements()[0]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    page.goto(f"{base}/voila/render/Selbstbewertung.ipynb?zyklus={first.id}")
    wait_for_page(page)
    card(page, req).get_by_role("button", name="nicht erfüllt", exact=True).click()
    card(page, req).get_by_text("gespeichert").wait_for()

    page.locator(".qm-nav a", has_text="Qualitätsplanung").click()
    wait_for_page(page)
    page.get_by_role("button", name="Maßnahme anlegen").first.click()
    page.get_by_text("angelegt.").wait_for()
    [measure] = wait_until(lambda: store.plans.measures(first.id))
    assert measure.requirement_ids == (req.id,) and measure.responsible == "E. Ende"
    select_with(page, "in Umsetzung").select_option(label="umgesetzt")
    wait_until(lambda: str(store.plans.measure(measure.id).status) == "umgesetzt")

    page.locator(".qm-nav a", has_text="PDCA-Review").click()
    wait_for_page(page)
    page.get_by_placeholder("Was wurde umgesetzt, von wem?").fill("Konzept geschrieben <b>fett</b>")
    select_with(page, "teilweise").select_option(label="ja")
    select_with(page, "als Standard beibehalten").select_option(label="als Standard beibehalten")
    review = wait_until(lambda: (r := store.reviews.of_measure(measure.id)).act and r)
    assert review.done_text == "Konzept geschrieben <b>fett</b>" and str(review.effective) == "ja"
    assert str(store.plans.measure(measure.id).status) == "wirksam"
    page.get_by_text("1 von 1 Maßnahmen geprüft").wait_for()

    page.get_by_label("Name").fill("Zyklus 2029")
    page.get_by_role("button", name="Nächsten Zyklus anlegen").click()
    page.get_by_role("link", name="Zur Selbstbewertung des neuen Zyklus").click()
    wait_for_page(page)
    assert "übernommen – bitte prüfen" in card(page, req).inner_text()
    card(page, req).get_by_role("button", name="erfüllt", exact=True).click()
    card(page, req).get_by_text("gespeichert").wait_for()
    second = store.cycles.find(inst.id, "Zyklus 2029")
    wait_until(lambda: store.assessments.get(second.id, req.id).rating == "erfuellt")
    assert req.id not in store.assessments.to_confirm(second.id)
    assert store.assessments.get(first.id, req.id).rating == "nicht_erfuellt"  # the old cycle is unchanged

    page.locator(".qm-nav a", has_text="PDCA-Review").click()
    wait_for_page(page)
    compare = page.locator(".qm-compare")
    compare.wait_for()
    assert compare.locator(".qm-bar").count() == 2 * len(catalog.areas)
    body = page.inner_text("body")
    assert "Von „Zyklus 2026“ zu „Zyklus 2029“: 1 besser, 0 schlechter" in body
    assert "▲ besser" in body and measure.title in body
    page.screenshot(path=str(tmp_path / "pdca-review.png"), full_page=True)
    page.context.close()
    store.close()
