"""Workshop end to end in headless Chromium against `qmkit serve`: participants on 360 px phones – one with
JavaScript, one without, 18 more at once – rate on the participant server's own pages (no kernel), the
facilitator's live view shows the final counts; a closed tab loses nothing; wrong tokens, the facilitator URL and
HTML in names and comments are handled."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.workshop import CANNOT_JUDGE
from qmkit.services.cycles import CycleService
from qmkit.store import Store
from qmkit.store.catalogs import discover
from tests.conftest import workshops

from .test_browser import browser, kernels_below, start_server, stop_server  # noqa: F401

PARTICIPANTS = 20


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory):
    proc, log, base, env = start_server(tmp_path_factory.mktemp("workshop-e2e"))
    yield proc, base, env
    stop_server(proc, log)


def open_store(env) -> Store:
    return Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")


def make_workshop(env, title, n_requirements=4, **extra):
    catalog = discover([BUILTIN_STANDARDS]).get("qm4")
    store = open_store(env)
    inst = (
        store.institutions.all()[0]
        if store.institutions.all()
        else CycleService(store).create_institution("VHS Workshop")
    )
    cycle = store.cycles.latest() or CycleService(store).create_cycle(inst.id, "2027", catalog)
    ws = workshops(store, cycle.id).create(
        title=title, requirement_ids=[r.id for r in catalog.requirements()[:n_requirements]], **extra
    )
    store.close()
    return catalog, ws


def options(catalog, req_id):
    req = next(r for r in catalog.requirements() if r.id == req_id)
    return [v.value for v in catalog.scale_for(req)] + [CANNOT_JUDGE]


def body_is_clean(page) -> None:
    text = page.inner_text("body")
    for bad in ("locked", "Traceback", "error when executing", "unerwarteter Fehler"):
        assert bad not in text, text[:500]


def radio(page, req_id, n):
    """The n-th choice of one requirement's card on the participant page."""
    return page.locator(f"fieldset[data-req='{req_id}'] input[type=radio]").nth(n)


def participant_server_pid(serve_pid: int) -> int:
    """The process of the participant server below ``qmkit serve``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == serve_pid and b"qmkit.server.participants" in command:
            return int(entry.name)
    raise AssertionError("no participant server below qmkit serve")


def join(page, url) -> None:
    page.goto(url)
    page.locator(".qm-join").click()
    page.wait_for_selector("#qm-progress", timeout=30_000)


def test_phones_with_and_without_javascript_rate_and_the_live_view_counts(workshop_server, browser, tmp_path):  # noqa: F811
    """One participant on a 360 px phone with JavaScript (each answer saved as it is chosen), one with JavaScript
    switched off (the button at the end), 18 more at once; the facilitator's live view counts them all – and the
    participant server started no kernel for any of them."""
    proc, base, env = workshop_server
    join_base = env["QMKIT_TEST_JOIN_BASE"]
    catalog, ws = make_workshop(env, "Teamtag Qualität")
    facilitator = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
    facilitator.goto(f"{base}/voila/render/Workshop.ipynb?moderation={ws.facilitator_token}")
    facilitator.wait_for_selector(".qm-live-view", timeout=90_000)
    assert ws.join_code in facilitator.inner_text("#qm-join-code")
    # the participant server's own kernels (none); the app server's pool may refill after the facilitator's page
    # took a preheated kernel, which is no participant's doing
    participants_server = participant_server_pid(proc.pid)
    kernels = kernels_below(participants_server)
    n = len(ws.requirement_ids)
    expected = {}

    # with JavaScript, at 360 px: every choice is stored as it is made, the progress follows
    phone = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    join(phone, f"{join_base}?t={ws.token}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing to scroll sideways
    key = parse_qs(urlparse(phone.url).query)["p"][0]
    for k, req_id in enumerate(ws.requirement_ids):
        radio(phone, req_id, k % 3).check()
        expected[(key, req_id)] = options(catalog, req_id)[k % 3]
        phone.get_by_text(f"{k + 1} von {n} beantwortet").wait_for(timeout=15_000)
    comment = phone.locator(f"textarea[name='k:{ws.requirement_ids[0]}']")
    comment.fill('<script>window.__xss=1</script> =HYPERLINK("x")')
    comment.blur()
    phone.locator(f"fieldset[data-req='{ws.requirement_ids[0]}'] .qm-saved").get_by_text(
        "✓ gespeichert", exact=True
    ).wait_for()
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(tmp_path / "workshop-phone.png"))
    body_is_clean(phone)

    # without JavaScript: choose everything, then the button; the answer page says what was stored
    plain = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False).new_page()
    join(plain, f"{join_base}?t={ws.token}")
    key = parse_qs(urlparse(plain.url).query)["p"][0]
    for k, req_id in enumerate(ws.requirement_ids):
        last = len(options(catalog, req_id)) - 1  # the first: "kann ich nicht beurteilen"
        radio(plain, req_id, last if k == 0 else 1).check()
        expected[(key, req_id)] = options(catalog, req_id)[last if k == 0 else 1]
    plain.get_by_role("button", name="Antworten speichern").click()
    plain.get_by_text("✓ Ihre Antworten sind gespeichert.").wait_for(timeout=15_000)
    assert f"{n} von {n} beantwortet" in plain.inner_text("#qm-progress")
    plain.screenshot(path=str(tmp_path / "workshop-plain.png"), full_page=True)

    # 18 more phones at once (each its own browser context: own cookies)
    pages = [browser.new_context(viewport={"width": 360, "height": 800}).new_page() for _i in range(PARTICIPANTS - 2)]
    for page in pages:
        join(page, f"{join_base}?t={ws.token}")
    for i, page in enumerate(pages):
        key = parse_qs(urlparse(page.url).query)["p"][0]
        for k, req_id in enumerate(ws.requirement_ids):
            choice = (i + k) % 4
            radio(page, req_id, choice).check()
            expected[(key, req_id)] = options(catalog, req_id)[choice]
    for page in pages:
        page.get_by_text(f"{n} von {n} beantwortet").first.wait_for(timeout=30_000)
        body_is_clean(page)
    acknowledged = time.time()

    store = open_store(env)
    people = {p.id: p.key for p in store.workshops.participants(ws.id)}
    ratings = store.workshops.ratings(ws.id)
    store.close()
    assert len(people) == PARTICIPANTS and len(ratings) == PARTICIPANTS * n  # none lost, none doubled
    assert {(people[r.participant_id], r.requirement_id): r.value for r in ratings} == expected
    facilitator.get_by_text(f"{PARTICIPANTS} Teilnehmende · {PARTICIPANTS * n} Antworten").wait_for(timeout=15_000)
    print(f"facilitator view showed the last rating after {time.time() - acknowledged:.2f} s")
    first = ws.requirement_ids[0]
    counts = {v: sum(1 for (_k, r), x in expected.items() if r == first and x == v) for v in options(catalog, first)}
    label = catalog.scale.values[0].label
    row = facilitator.locator(f"tr[data-req='{first}']").inner_text()
    assert f"{label} {counts[catalog.scale.values[0].value]}" in row
    facilitator.screenshot(path=str(tmp_path / "workshop-live.png"), full_page=True)
    assert kernels_below(participants_server) == kernels == set()  # no participant cost a kernel
    assert phone.evaluate("window.__xss") is None
    for page in [phone, plain, *pages, facilitator]:
        page.context.close()


def test_closed_tab_loses_nothing_and_the_link_continues(workshop_server, browser):  # noqa: F811
    _proc, _base, env = workshop_server
    join_base = env["QMKIT_TEST_JOIN_BASE"]
    catalog, ws = make_workshop(env, "Abendrunde")
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    join(page, f"{join_base}?t={ws.token}")
    radio(page, ws.requirement_ids[0], 0).check()
    radio(page, ws.requirement_ids[1], 1).check()
    page.get_by_text("2 von 4 beantwortet").wait_for(timeout=30_000)
    page.close()  # mid-rating
    store = open_store(env)
    saved = store.workshops.ratings(ws.id)
    store.close()
    assert [(r.requirement_id, r.value) for r in saved] == [
        (ws.requirement_ids[0], options(catalog, ws.requirement_ids[0])[0]),
        (ws.requirement_ids[1], options(catalog, ws.requirement_ids[1])[1]),
    ]
    again = context.new_page()  # the link from the QR code again, in the same browser
    again.goto(f"{join_base}?t={ws.token}")
    assert "2 von 4 beantwortet" in again.inner_text("#qm-progress")
    assert radio(again, ws.requirement_ids[1], 1).is_checked()
    context.close()


def test_tokens_facilitator_url_and_html_in_names(workshop_server, browser):  # noqa: F811
    _proc, base, env = workshop_server
    join_base = env["QMKIT_TEST_JOIN_BASE"]
    _catalog, ws = make_workshop(env, "Leitungsrunde", n_requirements=2)
    _catalog, other = make_workshop(env, "Verwaltung", n_requirements=1)
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()

    page.goto(join_base)  # no token: only the code form, from the server itself
    assert "Beitrittscode" in page.inner_text("body") and "Leitungsrunde" not in page.inner_text("body")
    for bad in ("falsch", ws.facilitator_token, ws.token[:-1] + ("B" if ws.token.endswith("A") else "A")):
        response = page.goto(f"{join_base}?t={bad}")
        assert response.status == 403 and "ungültig" in page.inner_text("body")
        assert "Leitungsrunde" not in page.inner_text("body")
    page.fill("input[name=code]", "ZZZZZZ")
    page.click("button[type=submit]")
    assert "gibt es nicht" in page.inner_text("body")
    page.fill("input[name=code]", ws.join_code.lower())
    page.click("button[type=submit]")
    assert "Leitungsrunde" in page.inner_text("h1")

    # the facilitator page is not on the participant server, and a participant token does not open it
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{join_base}voila/render/Workshop.ipynb?moderation={ws.facilitator_token}")
    assert err.value.code == 404
    page.goto(f"{base}/voila/render/Workshop.ipynb?moderation={ws.token}")
    page.wait_for_selector(".qm-page", timeout=90_000)
    assert "Moderationslink ist ungültig" in page.inner_text("body") and "Live-Ansicht" not in page.inner_text("body")

    # the key of one workshop does not open another workshop's answers
    join(page, f"{join_base}?t={ws.token}")
    radio(page, ws.requirement_ids[0], 0).check()
    page.get_by_text("1 von 2 beantwortet").wait_for(timeout=30_000)
    key = parse_qs(urlparse(page.url).query)["p"][0]
    page.goto(f"{join_base}?t={other.token}&p={key}")
    page.wait_for_selector(".qm-join")  # a new participant of the other workshop
    assert "Verwaltung" in page.inner_text("h1") and "Leitungsrunde" not in page.inner_text("body")

    # HTML and script in a name and a comment stay text on every page
    _catalog, named = make_workshop(env, "Benannt <b>fett</b>", n_requirements=1, named=True, threshold=1)
    page.goto(f"{join_base}?t={named.token}")
    page.get_by_placeholder("Name oder Kürzel (freiwillig)").fill('<img src=x onerror="window.__xss=1">')
    page.locator(".qm-join").click()
    radio(page, named.requirement_ids[0], 0).check()
    page.get_by_text("1 von 1 beantwortet").wait_for(timeout=30_000)
    comment = page.get_by_placeholder("Kommentar (freiwillig, kurz; bitte keine Namen von Personen)")
    comment.fill("<script>window.__xss=2</script>")
    comment.blur()
    store = open_store(env)
    deadline = time.time() + 20
    while time.time() < deadline and not workshops(store, named.cycle_id).result(named).comments:
        time.sleep(0.3)
    store.close()
    assert "Benannt <b>fett</b>" in page.inner_text("h1")
    facilitator = browser.new_context(viewport={"width": 1280, "height": 1200}).new_page()
    facilitator.goto(f"{base}/voila/render/Workshop.ipynb?moderation={named.facilitator_token}")
    facilitator.wait_for_selector(".qm-live-view", timeout=90_000)
    facilitator.locator(".qm-live-view summary").click()
    text = facilitator.inner_text(".qm-live-view")
    assert '<img src=x onerror="window.__xss=1">: <script>window.__xss=2</script>' in text
    assert facilitator.evaluate("window.__xss") is None and page.evaluate("window.__xss") is None
    facilitator.context.close()
    page.context.close()


def test_serve_on_the_network_keeps_the_app_local(tmp_path):
    """`--host 0.0.0.0`: the participant server listens on every interface, the QMB's pages only on 127.0.0.1."""
    from qmkit.server.serve import lan_address

    lan = lan_address()
    if lan.startswith("127."):
        pytest.skip("Dieser Rechner hat keine Netzwerkadresse außer 127.0.0.1")
    proc, log, base, env = start_server(tmp_path, "--host", "0.0.0.0")
    try:
        join_port = urlparse(env["QMKIT_TEST_JOIN_BASE"]).port
        app_port = urlparse(base).port
        with urllib.request.urlopen(f"http://{lan}:{join_port}/", timeout=10) as answer:
            assert "Beitrittscode" in answer.read().decode()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://{lan}:{app_port}/", timeout=5)
        assert f"http://{lan}:{join_port}/" in (tmp_path / "serve.log").read_text()
    finally:
        stop_server(proc, log)
