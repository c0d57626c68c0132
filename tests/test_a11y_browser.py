"""Accessibility in headless Chromium against one `qmkit serve` with demo data: axe-core (the engine screen-reader
users' advocates and the EU's monitoring bodies use) finds nothing critical, serious or moderate on any page of the
app or on the participant pages; the self-evaluation works with the keyboard alone.

axe-core comes from the PyPI package axe-playwright-python (its axe.min.js, installed with the test extra); the
test injects it into the page, nothing is fetched at run time and the product never loads it.
"""

from __future__ import annotations

import time

import pytest

from qmkit.services.cycles import CycleService
from qmkit.services.demo import create_demo
from qmkit.services.demo_network import create_demo_network
from qmkit.services.surveys import SurveyService
from qmkit.store import Store
from qmkit.store.catalogs import discover
from qmkit.store.instruments import discover_instruments
from qmkit.ui.routes import ROUTES
from tests.conftest import workshops

from .test_browser import browser, start_server, stop_server, wait_for_page  # noqa: F401

pytestmark = pytest.mark.browser
REPORTED = ("critical", "serious", "moderate")  # "minor" (best practice without a barrier) is not counted
FEATURE_CATALOG = "qesplus"  # switches on the pages Prozesslandkarte and Internes Audit


def axe_script() -> str:
    from axe_playwright_python.base import AXE_FILE_PATH

    return AXE_FILE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`qmkit serve` with the demo of qm4 and qesplus, a demo network, a workshop and a survey."""
    proc, log, base, env = start_server(tmp_path_factory.mktemp("a11y"))
    try:
        store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
        catalogs = discover()
        create_demo_network(store, catalogs, FEATURE_CATALOG, 2)
        feature_cycle, _new = create_demo(store, catalogs.get(FEATURE_CATALOG))
        cycle, _new = create_demo(store, catalogs.get("qm4"))  # the latest cycle: the pages' default
        qm4 = catalogs.get("qm4")
        ws = workshops(store, cycle.id).create(
            title="Teamtag", requirement_ids=[r.id for r in qm4.requirements()[:3]], threshold=3
        )
        found, _problems = discover_instruments(catalogs.catalogs)
        surveys = SurveyService(store, found)
        qmf_cycle = CycleService(store).create_cycle(cycle.institution_id, "Befragung", catalogs.get("qmf"))
        survey = surveys.create(qmf_cycle.id, found["qmf-systempartner"], {"threshold": 3})
        links = surveys.links(survey.id)
        store.close()
        yield {
            "base": base,
            "env": env,
            "join": env["QMKIT_TEST_JOIN_BASE"].rstrip("/"),
            "cycle": cycle,
            "feature_cycle": feature_cycle,
            "workshop": ws,
            "survey_link": next(iter(links.values())),
        }
    finally:
        stop_server(proc, log)


def settle(page, quiet_ms: int = 600, timeout: float = 30.0) -> None:
    """Wait until the page stops growing (ipywidgets draw a page's widgets one message after another)."""
    deadline, last = time.time() + timeout, -1
    while time.time() < deadline:
        count = page.evaluate("document.getElementsByTagName('*').length")
        if count == last:
            return
        last = count
        page.wait_for_timeout(quiet_ms)


def violations(page) -> list[dict]:
    """axe-core's violations of the page as it is shown (rule id, impact, the nodes' selectors and markup)."""
    page.evaluate(axe_script())
    return page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(result => result.violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160))})))"""
    )


def barriers(page, name: str) -> list[str]:
    """What axe-core reports as critical, serious or moderate on the page: rule, impact, the first places."""
    return [
        f"{name}: {v['id']} ({v['impact']}, {len(v['nodes'])} Stellen): {v['help']}\n    "
        + "\n    ".join(v["nodes"][:3])
        for v in violations(page)
        if v["impact"] in REPORTED
    ]


def assert_no_barriers(page, name: str) -> None:
    found = barriers(page, name)
    assert not found, "axe-core:\n" + "\n".join(found)


def app_pages(site) -> list[tuple[str, str]]:
    """(name, address) of every route – the feature pages on the catalog that switches them on – and the
    facilitator's view of a workshop."""
    pages = [(r.name, r.href(site["feature_cycle" if r.feature else "cycle"].id)) for r in ROUTES]
    pages.append(("workshop (Moderation)", f"Workshop.ipynb?moderation={site['workshop'].facilitator_token}"))
    return pages


AT_ONCE = 3  # pages loading side by side: kernels start in parallel (several pages start theirs on request)


def test_every_app_page_has_no_barriers(browser, site):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pages, found = app_pages(site), []
    for start in range(0, len(pages), AT_ONCE):
        opened = []
        for name, address in pages[start : start + AT_ONCE]:
            tab = context.new_page()
            tab.goto(f"{site['base']}/voila/render/{address}", wait_until="commit")
            opened.append((name, tab))
        for name, tab in opened:
            tab.wait_for_selector(".qm-page", timeout=120_000)
            settle(tab)
            assert "Traceback" not in tab.inner_text("body"), name
            if tab.get_attribute("html", "lang") != "de":
                found.append(f"{name}: <html lang> ist nicht „de“")
            found += barriers(tab, name)
            tab.close()
    context.close()
    assert not found, "axe-core:\n" + "\n".join(found)


def test_participant_pages_have_no_barriers(browser, site):  # noqa: F811
    """The code form, the join page and the rating page of a workshop; a survey's questionnaire – on a phone."""
    page = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    page.goto(site["join"] + "/")
    assert_no_barriers(page, "Workshop: Code eingeben")
    page.goto(f"{site['join']}/?t={site['workshop'].token}")
    assert_no_barriers(page, "Workshop: Teilnehmen")
    page.locator(".qm-join").click()
    page.wait_for_selector("#qm-progress", timeout=30_000)
    assert_no_barriers(page, "Workshop: Bewerten")
    page.goto(f"{site['join']}/befragung?t={site['survey_link']}")
    page.locator("form#qm-survey").wait_for()
    assert_no_barriers(page, "Befragung")
    page.goto(f"{site['join']}/gibt-es-nicht")
    assert_no_barriers(page, "Seite nicht gefunden")
    page.context.close()


CONTROLS = (
    "Array.from(document.querySelectorAll("
    "'.qm-page a[href], .qm-page button, .qm-page input, .qm-page select, .qm-page textarea'))"
)


def test_self_evaluation_with_the_keyboard_alone(browser, site):  # noqa: F811
    """Tab reaches every control of the self-evaluation; an open requirement is rated with Tab and Space only,
    and the rating is stored."""
    cycle = site["cycle"]
    catalog = discover().get("qm4")
    req = catalog.requirements()[2]  # the demo leaves every third requirement open
    value = catalog.scale_for(req)[0]
    tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    tab.goto(f"{site['base']}/voila/render/Selbstbewertung.ipynb?zyklus={cycle.id}")
    wait_for_page(tab)
    settle(tab)
    controls = CONTROLS + ".filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)"
    step = """(wanted) => { const e = document.activeElement; if (!e || e === document.body) return [false, false];
                 const again = e.dataset.qmReached === "1"; e.dataset.qmReached = "1";
                 const card = e.closest('.qm-card');
                 return [e.tagName === 'BUTTON' && e.textContent.trim() === wanted.label
                   && card !== null && card.textContent.includes(wanted.head), again]; }"""
    wanted = {"label": value.label, "head": f"{req.id} · {req.title}"}
    # first round: Tab goes once round the whole page and reaches every control (the rating among them)
    reached_target = False
    for _press in range(800):
        tab.keyboard.press("Tab")
        hit, again = tab.evaluate(step, wanted)
        reached_target = reached_target or hit
        if again:
            break
    if not reached_target:
        shown = tab.evaluate(
            "() => Array.from(document.querySelectorAll('.qm-card')).slice(0, 8).map(c => c.textContent.slice(0, 60))"
        )
        raise AssertionError(f"the rating „{value.label}“ of {req.id} was never reached with Tab; cards: {shown}")
    missed = tab.evaluate(f"() => {controls}.filter(e => !e.dataset.qmReached).map(e => e.outerHTML.slice(0, 120))")
    assert not missed, f"{len(missed)} controls not reached with Tab: {missed[:5]}"
    # second round: Tab to the rating and choose it with Space (the page redraws parts of itself afterwards)
    for _press in range(800):
        tab.keyboard.press("Tab")
        if tab.evaluate(step, wanted)[0]:
            tab.keyboard.press("Space")
            tab.locator(".qm-card", has_text=wanted["head"]).get_by_text("✓ gespeichert").wait_for()
            break
    store = Store(f"sqlite:///{site['env']['QMKIT_DATA']}/qmkit.sqlite")
    try:
        assert store.assessments.get(cycle.id, req.id).rating == value.value
    finally:
        store.close()
        tab.context.close()
