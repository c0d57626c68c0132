"""qmkit behind JupyterHub, as an administrator starts it (`qmkit hub`), in headless Chromium.

Two people of two institutions log in; each sees and changes only their own institution; a forged address of the
other institution gets "Kein Zugang"; in a network the coordinator sees the distribution without any member's own
values and each member its own position, no unnamed member's name; Lab, the contents, kernels and terminals APIs
and a websocket `execute_request` are refused; a rating lands in the store (PostgreSQL when QMKIT_TEST_POSTGRES is
set, as in CI) with the logged-in name; the Excel download works.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.services.cycles import CycleService
from qmkit.services.people import People
from qmkit.store import Store
from tests.conftest import need_program, postgres_base_url, shipped_catalogs, workshops
from tests.test_browser import CHROMIUM_ARGS, PatientBrowser, card, free_port
from tests.test_serve_stop import _descendants

PASSWORD = "probe-passwort"


def _store_url(tmp: Path):
    """PostgreSQL (a fresh schema) when the tests have one – always under CI=true –, else a SQLite file."""
    if os.environ.get("QMKIT_TEST_POSTGRES") or os.environ.get("CI", "").lower() == "true":
        from tests.pg import fresh_schema

        return fresh_schema(postgres_base_url())
    from contextlib import nullcontext

    return nullcontext(f"sqlite:///{tmp / 'qmkit.sqlite'}")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    need_program("chromium")
    need_program("configurable-http-proxy")
    tmp = tmp_path_factory.mktemp("hub")
    with _store_url(tmp) as url:
        store = Store(url, upgrade=True)
        cycles, people = CycleService(store), People(store)
        catalog = shipped_catalogs().get("qm4")
        ours = cycles.create_cycle(cycles.create_institution("VHS Nord").id, "2027", catalog)
        theirs = cycles.create_cycle(cycles.create_institution("Jugendhilfe Süd").id, "2027", catalog)
        for login, name, cycle in [("anna", "Anna Acker", ours), ("eva", "Eva Engel", theirs)]:
            people.add(login, name)
            people.grant(login, cycle.institution_id, "qmb")
        workshop = workshops(store, ours.id).create(
            title="Teamrunde", requirement_ids=[r.id for r in catalog.requirements()[:2]]
        )
        port = free_port()
        env = dict(
            os.environ,
            QMKIT_DB=url,
            QMKIT_DATA=str(tmp / "data"),
            QMKIT_EXPORTS=str(tmp / "exports"),
            QMKIT_HUB_TRIAL_PASSWORD=PASSWORD,
        )
        log = open(tmp / "hub.log", "w")
        command = [str(Path(sys.executable).parent / "qmkit"), "hub", "--port", str(port)]
        command += ["--api-port", str(free_port()), "--proxy-api-port", str(free_port())]
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 90
        while "JupyterHub is now running" not in (tmp / "hub.log").read_text(errors="replace"):
            if time.time() > deadline or proc.poll() is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail("qmkit hub did not start: " + (tmp / "hub.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        try:
            yield f"http://127.0.0.1:{port}", store, ours, theirs, workshop
        finally:
            below = _descendants(proc.pid)  # people's servers run in sessions of their own
            os.kill(proc.pid, signal.SIGTERM)  # as a service manager stops it
            try:
                proc.wait(120)  # JupyterHub gives each of its services 20 s
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            for pid in below:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            log.close()
            store.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield PatientBrowser(b)
        b.close()


def _log_in(browser, base: str, login: str, ready: str = ".qm-card select"):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/hub/login")
    assert "Anmeldename" in page.inner_text("body")  # the hub's log-in page speaks German too
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"**/user/{login}/voila/render/Start.ipynb", timeout=150_000)  # the server starts first
    page.wait_for_selector(ready, timeout=90_000)
    return context, page


def _options(page) -> str:
    texts = page.locator(".qm-card select").first.locator("option").all_inner_texts()
    return " | ".join(texts).replace("\xa0", " ")


def test_two_people_see_and_change_only_their_own_institution(hub, browser, tmp_path: Path):
    base, store, ours, theirs, _workshop = hub
    anna_context, anna = _log_in(browser, base, "anna")
    eva_context, eva = _log_in(browser, base, "eva")
    assert "VHS Nord" in _options(anna) and "Jugendhilfe" not in _options(anna)
    assert "Jugendhilfe Süd" in _options(eva) and "VHS Nord" not in _options(eva)

    anna.goto(f"{base}/user/anna/voila/render/Selbstbewertung.ipynb?zyklus={theirs.id}")  # forged: Eva's cycle
    anna.get_by_text("Kein Zugang").wait_for(timeout=90_000)
    assert "Jugendhilfe" not in anna.inner_text("body")

    anna.goto(f"{base}/user/anna/voila/render/Selbstbewertung.ipynb?zyklus={ours.id}")
    req = shipped_catalogs().get("qm4").requirements()[0]
    card(anna, req).get_by_role("button", name="erfüllt", exact=True).click()
    deadline = time.time() + 15
    while time.time() < deadline and store.assessments.get(ours.id, req.id).rating != "erfuellt":
        time.sleep(0.2)
    stored = store.assessments.get(ours.id, req.id)
    assert (stored.rating, stored.changed_by) == ("erfuellt", "Anna Acker")  # the hub's person, not a typed name
    assert store.assessments.get(theirs.id, req.id).rating is None

    anna.get_by_role("button", name="Excel-Checkliste erstellen").click()
    link = anna.locator("#qm-download")
    link.wait_for(timeout=60_000)
    href = link.get_attribute("href")
    assert href and href.startswith("data:application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(base64.b64decode(href.split(",", 1)[1])))
    cells = [str(c) for ws in book.worksheets[:2] for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any("VHS Nord" in c for c in cells) and not any("Jugendhilfe" in c for c in cells)
    anna.screenshot(path=str(tmp_path / "hub-anna.png"), full_page=True)

    # Eva's log-in does not open Anna's server
    response = eva_context.request.get(f"{base}/user/anna/voila/render/Start.ipynb", max_redirects=0)
    assert response.status in (302, 403, 404) and "VHS Nord" not in response.text()
    anna_context.close()
    eva_context.close()


def test_no_lab_no_api_no_code_from_a_page(hub, browser):
    base, _store, _ours, _theirs, _workshop = hub
    context, page = _log_in(browser, base, "anna")
    for method, path in [
        ("GET", "lab"),
        ("GET", "tree"),
        ("GET", "api/contents"),
        ("GET", "api/kernels"),
        ("POST", "api/kernels"),
        ("GET", "api/terminals"),
        ("GET", "api/sessions"),
        ("GET", "voila/files/Start.ipynb"),
        ("GET", "voila/render/Teilnahme.ipynb"),
    ]:
        response = context.request.fetch(f"{base}/user/anna/{path}", method=method, max_redirects=0)
        assert response.status in (403, 404, 405), (method, path, response.status)
    replies = page.evaluate(
        """async () => {
        const used = performance.getEntriesByType('resource').map(e => e.name).join(' ');
        const id = (used.match(/api\\/kernels\\/([0-9a-f-]{36})/) || [])[1];
        if (!id) return ['no kernel'];
        const ws = new WebSocket(location.origin.replace('http', 'ws') + '/user/anna/api/kernels/' + id + '/channels');
        return await new Promise(resolve => {
          const seen = [];
          const send = (type, content) => ws.send(JSON.stringify({
            header: {msg_id: type, msg_type: type, username: '', session: 'probe', version: '5.3', date: ''},
            parent_header: {}, metadata: {}, channel: 'shell', content: content}));
          ws.onopen = () => {
            send('execute_request', {code: 'import os; print(os.environ)', silent: false});
            send('kernel_info_request', {});  // allowed: proves the channel itself works
          };
          ws.onmessage = e => seen.push(JSON.parse(e.data).msg_type);
          ws.onerror = () => resolve(['error']);
          setTimeout(() => resolve(seen), 4000);
        });
    }"""
    )
    assert "kernel_info_reply" in replies, replies
    assert not {"execute_reply", "execute_result", "stream", "execute_input"} & set(replies), replies
    context.close()


def test_workshop_participants_join_through_the_hub_without_logging_in(hub, browser):
    """The participant server is the hub's public service /services/teilnahme/; the QMB's link points there."""
    base, store, _ours, _theirs, workshop = hub
    context, anna = _log_in(browser, base, "anna")
    anna.goto(f"{base}/user/anna/voila/render/Workshop.ipynb?moderation={workshop.facilitator_token}")
    link = f"{base}/services/teilnahme/?t={workshop.token}"
    anna.get_by_text(link).first.wait_for(timeout=90_000)  # the join link shown (and in the QR code)
    context.close()

    phone = browser.new_context(viewport={"width": 360, "height": 800})  # no hub log-in
    page = phone.new_page()
    page.goto(link)
    page.locator(".qm-join").click()  # the participant server's own page: no kernel, no waiting
    page.wait_for_selector("#qm-progress", timeout=60_000)
    page.locator(f"fieldset[data-req='{workshop.requirement_ids[0]}'] input[type=radio]").nth(0).check()
    page.get_by_text("1 von 2 beantwortet").wait_for(timeout=30_000)
    assert [r.requirement_id for r in store.workshops.ratings(workshop.id)] == [workshop.requirement_ids[0]]
    response = phone.request.get(f"{base}/services/teilnahme/?t=falsch", max_redirects=0)
    assert response.status in (403, 404) and "ungültig" in response.text()  # the gate
    phone.close()


def _choices(page) -> str:
    """The options of every drop-down on the page (inner_text leaves them out)."""
    texts = page.evaluate("() => [...document.querySelectorAll('select option')].map(o => o.text)")
    return " | ".join(texts).replace("\xa0", " ")


def _network_of_four(store):
    """A Verbund (threshold 3) of VHS Nord, Jugendhilfe Süd and two more, each with a rated, contributed cycle;
    coordinated by kora, who belongs to no institution. Jugendhilfe Süd agreed to be named, VHS Nord did not."""
    import random

    from qmkit.services.access import Access
    from qmkit.services.network_compare import NetworkComparison
    from qmkit.services.networks import NetworkService
    from qmkit.services.selfeval import SelfEvaluation

    catalog = shipped_catalogs().get("qm4")
    service = NetworkService(store, shipped_catalogs(), Access(store))
    network = service.create({"name": "Verbund Hub", "kind": "verbund", "catalog_id": "qm4", "threshold": 3}, "kora")
    People(store).add("kora", "Kora Koordination")
    the_round = service.add_round(network.id, {"name": "Runde 2027"})
    rng = random.Random(5)
    members = {}
    for name in ["VHS Nord", "Jugendhilfe Süd", "Kita Ost", "Schule West"]:
        known = {i.name: i for i in store.institutions.all()}
        institution = known[name] if name in known else store.institutions.create(name)
        member = service.invite(network.id, {"kind": "traeger"}, institution.id)
        service.accept(member.id)
        service.set_named(member.id, name == "Jugendhilfe Süd")
        cycle = store.cycles.create(institution.id, "Netzwerk 2027", catalog)
        values = [v.value for v in catalog.scale.values if not v.not_applicable]
        SelfEvaluation(store, cycle, catalog).rate_all({r.id: rng.choice(values) for r in catalog.requirements()})
        NetworkComparison(service).contribute(member.id, the_round.id, cycle.id)
        members[name] = member
    return network, members


def test_in_a_network_each_sees_what_the_role_allows(hub, browser, tmp_path: Path):
    """The coordinator: distribution, no own values, a forged member address changes nothing; a member: its own
    position, the named member's name, not the unnamed one's; no coordinator tools."""
    base, store, _ours, _theirs, _workshop = hub
    network, members = _network_of_four(store)

    kora_context, kora = _log_in(browser, base, "kora", ready="h1")
    forged = f"netzwerk={network.id}&mitglied={members['VHS Nord'].id}"
    kora.goto(f"{base}/user/kora/voila/render/Netzwerk.ipynb?{forged}")
    kora.get_by_text("Vergleich je Bereich").wait_for(timeout=90_000)
    text = kora.inner_text("body")
    assert "Gesamtbild (Koordination, ohne Einzelwerte)" in _choices(kora) and "als Mitglied" not in _choices(kora)
    assert "4 Beiträge von 4 Mitgliedern" in text and "Ihr Wert" not in text and "Ihre Bewertung" not in text
    assert kora.locator(".qm-spread-box").count() > 0  # the distribution, shown from 3 contributions on
    assert "Einladen" in text and "Dateien für Mitglieder ohne gemeinsamen Server" in text
    kora.screenshot(path=str(tmp_path / "hub-kora-netzwerk.png"))
    kora_context.close()

    anna_context, anna = _log_in(browser, base, "anna")
    anna.goto(f"{base}/user/anna/voila/render/Netzwerk.ipynb?netzwerk={network.id}")
    anna.get_by_text("Ihr Wert").first.wait_for(timeout=90_000)
    text = anna.inner_text("body")
    assert "als Mitglied: VHS Nord" in _choices(anna) and "Gesamtbild" not in _choices(anna)
    assert "Jugendhilfe Süd" in text  # named
    assert "Kita Ost" not in text and "Schule West" not in text  # not named
    assert "Einladen" not in text and "Mindestgruppe speichern" not in text
    anna_context.close()

    eva_context, eva = _log_in(browser, base, "eva")
    eva.goto(f"{base}/user/eva/voila/render/Netzwerk.ipynb?netzwerk={network.id}&mitglied={members['VHS Nord'].id}")
    eva.get_by_text("Ihr Wert").first.wait_for(timeout=90_000)
    text = eva.inner_text("body")
    assert "als Mitglied: Jugendhilfe Süd" in _choices(eva)
    assert "VHS Nord" not in text + _choices(eva)  # the forged member id is ignored
    eva.screenshot(path=str(tmp_path / "hub-eva-netzwerk.png"))
    eva_context.close()
