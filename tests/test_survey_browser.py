"""A survey in headless Chromium against `qmkit serve`: one respondent with JavaScript (each answer saved as it is
chosen) and one without (the form is sent with the button), both on a 360 px phone page of the participant
server; then the QMB's Befragung page shows their answers – and no kernel was started for the respondents."""

from __future__ import annotations

from qmkit.services.cycles import CycleService
from qmkit.services.surveys import SurveyService
from qmkit.store import Store
from qmkit.store.catalogs import discover
from qmkit.store.instruments import discover_instruments

from .test_browser import browser, kernels_below, start_server, stop_server  # noqa: F401


def _open_survey(env):
    store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
    cycles = CycleService(store)
    cycle = cycles.create_cycle(cycles.create_institution("Jugendhilfe Taubertal").id, "Runde", discover().get("qmf"))
    found, _problems = discover_instruments(discover().catalogs)
    service = SurveyService(store, found)
    survey = service.create(cycle.id, found["qmf-systempartner"], {"threshold": 3})
    links = service.links(survey.id)
    store.close()
    return cycle, survey, links


def test_respondents_with_and_without_javascript_and_the_qmb_sees_the_result(tmp_path, browser):  # noqa: F811
    proc, log, base, env = start_server(tmp_path)
    try:
        cycle, survey, links = _open_survey(env)
        join = env["QMKIT_TEST_JOIN_BASE"].rstrip("/")
        kernels_before = kernels_below(proc.pid)
        for n, javascript in enumerate((True, False, True)):
            context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=javascript)
            page = context.new_page()
            page.goto(f"{join}/befragung?t={links['schule']}")
            if javascript:  # fits a 360 px phone: nothing to scroll sideways
                assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.locator("input[name=erreichbar][value='4']").check()
            page.locator("input[name=wege][value='mail']").check()
            page.locator("textarea[name=anregung]").fill(f'<script>alert({n})</script> =HYPERLINK("x")')
            if javascript:
                page.locator("input[name=kontakt][value='monatlich']").check()  # a change event after the text
                page.locator("#qm-state.ok").wait_for(timeout=30_000)
            else:
                page.get_by_role("button", name="Antworten senden").click()
                page.locator(".note.ok").wait_for(timeout=30_000)
            page.screenshot(path=str(tmp_path / f"befragung-{n}.png"))
            context.close()
        assert kernels_below(proc.pid) == kernels_before  # respondents cost no kernel
        store = Store(f"sqlite:///{env['QMKIT_DATA']}/qmkit.sqlite")
        stored = store.surveys.responses(survey.id)
        store.close()
        assert len(stored) == 3 and all(a["erreichbar"] == "4" and a["wege"] == ["mail"] for _g, a in stored)

        qmb = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
        qmb.goto(f"{base}/voila/render/Befragung.ipynb?zyklus={cycle.id}")
        qmb.get_by_role("heading", name="Ergebnisse").wait_for(timeout=90_000)
        text = qmb.inner_text("body")
        assert "Antworten bisher: 3 (Jugendamt: 0, Schule: 3" in text
        assert "<script>alert(0)</script>" in text  # shown as text, not run
        assert qmb.locator("[title='trifft voll zu: 3']").count() >= 1
        qmb.screenshot(path=str(tmp_path / "befragung-qmb.png"), full_page=True)
    finally:
        stop_server(proc, log)
