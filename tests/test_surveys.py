"""Surveys of system partners: instruments as data, anonymous results, respondents answered without a kernel.

What a QMB and a respondent would check: the shipped instrument loads and a broken one names file, line and fix;
a group below the threshold shows nothing (and "alle" does not give it away); a respondent's second sending
replaces the first; a forged value, a missing anti-forgery token, a closed survey or a wrong link gets a German
message and stores nothing; many respondents at once each land exactly once. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
import requests

from qmkit.domain.survey import parse_instrument
from qmkit.domain.survey_results import ALL, survey_result
from qmkit.errors import AccessDenied, CatalogError, InputError, NotFoundError
from qmkit.server.survey_pages import Pace
from qmkit.services.cycles import CycleService
from qmkit.services.surveys import Respondents, SurveyService
from qmkit.store.instruments import discover_instruments
from tests.conftest import shipped_catalogs
from tests.test_networks import person

INSTRUMENT = "qmf-systempartner"


def instruments():
    found, problems = discover_instruments(shipped_catalogs().catalogs)
    assert problems == []
    return found


def open_survey(store, **values):
    cycles = CycleService(store)
    institution = cycles.create_institution("Jugendhilfe Hohenlohe")
    cycle = cycles.create_cycle(institution.id, "Runde 2026–2028", shipped_catalogs().get("qmf"))
    service = SurveyService(store, instruments())
    return service, service.create(cycle.id, service.instrument(INSTRUMENT), values)


def test_the_shipped_instrument_loads_and_broken_ones_name_file_line_and_fix():
    instrument = instruments()[INSTRUMENT]
    assert [g.id for g in instrument.groups] == ["jugendamt", "schule", "therapie", "traeger"]
    assert {q.kind.value for q in instrument.questions} == {"scale", "single", "multiple", "text"}
    catalogs = shipped_catalogs().catalogs
    broken = {
        "scale: nope": "unbekannte Skala nope",
        "informs: [X.9]": "Anforderung „X.9“ gibt es im Katalog „qmf“ nicht",
        "kind: slider": "ungültiger Wert",
    }
    for change, expected in broken.items():
        text = (
            "id: probe\ntitle: Probe\ncatalog: qmf\ngroups: [{id: a, title: A}]\n"
            "scales: {s: [{value: '1', label: ja}, {value: '0', label: nein}]}\n"
            f"questions:\n  - id: q1\n    text: Frage\n    kind: scale\n    scale: s\n    {change}\n"
        )
        if change.startswith(("scale:", "kind:")):
            text = text.replace("    kind: scale\n    scale: s\n", "    kind: scale\n" if "scale:" in change else "")
        with pytest.raises(CatalogError) as caught:
            parse_instrument(text, "probe.yaml", catalogs)
        message = str(caught.value)
        assert "probe.yaml" in message and "Zeile" in message and expected in message, message


def _responses(rng_seed: int, sizes: dict[str, int]):
    import random

    rng = random.Random(rng_seed)
    instrument = instruments()[INSTRUMENT]
    responses = []
    for group, n in sizes.items():
        for _ in range(n):
            answers = {}
            for q in instrument.questions:
                choices = [c.value for c in instrument.choices_of(q)]
                if q.kind.value == "text":
                    answers[q.id] = rng.choice(["mehr Zeit", "gut erreichbar", "<script>alert(1)</script>"])
                elif q.kind.value == "multiple":
                    answers[q.id] = sorted(rng.sample(choices, 2))
                elif rng.random() < 0.9:
                    answers[q.id] = rng.choice(choices)
            responses.append((group, answers))
    return instrument, responses


def test_results_hide_small_groups_and_equal_a_pandas_groupby():
    instrument, responses = _responses(3, {"jugendamt": 7, "schule": 5, "therapie": 2, "traeger": 0})
    result = survey_result(instrument, responses, 5)
    question = result.questions[0]
    assert question.cell("therapie").counts is None and question.cell("therapie").median is None
    assert "zu wenige Antworten (2 von mindestens 5)" == result.hidden_note("therapie")
    # 2 hidden people: "alle" minus the shown groups would give them away, so "alle" is hidden too
    assert question.cell(ALL).counts is None and "herausrechnen" in result.hidden_note(ALL)
    texts = result.questions[-1].cell("jugendamt").texts
    assert texts == tuple(sorted(texts)) and len(texts) == 7
    assert result.questions[-1].cell("therapie").texts is None
    rows = [(g, q, a[q]) for g, a in responses for q in a if isinstance(a[q], str)]
    frame = pd.DataFrame(rows, columns=["group", "question", "value"])
    for qr in result.questions:
        if qr.question.kind.value not in ("scale", "single"):
            continue
        for group in ("jugendamt", "schule"):
            expected = frame[(frame.group == group) & (frame.question == qr.question.id)].value.value_counts()
            got = {k: v for k, v in qr.cell(group).counts.items() if v}
            assert got == expected.to_dict()
    # with 5 in the hidden groups together, "alle" is shown again
    _i, more = _responses(3, {"jugendamt": 7, "schule": 5, "therapie": 2, "traeger": 3})
    assert survey_result(instrument, more, 5).questions[0].cell(ALL).counts is not None


def test_only_the_qmb_opens_a_survey_and_codes_are_kept_as_hashes_only(store):
    service, survey = open_survey(store)
    links = service.links(survey.id)
    assert set(links) == {"jugendamt", "schule", "therapie", "traeger"} and len(set(links.values())) == 4
    codes = service.make_codes(survey.id, "schule", 3)
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes)
    dump = str(store.surveys.codes(survey.id)) + str(store.surveys.responses(survey.id))
    assert not any(c in dump or c.replace("-", "") in dump for c in codes)
    door = Respondents(store).by_code(codes[0].lower().replace("-", " "))
    assert door.group_id == "schule"
    with pytest.raises(NotFoundError, match="Diesen Code gibt es nicht"):
        Respondents(store).by_code("AAAA-BBBB")
    store.institutions.create("Andere Einrichtung")
    reader = person(store, "lea", "Jugendhilfe Hohenlohe", role="lesen")
    with pytest.raises(AccessDenied):
        SurveyService(store, instruments(), reader).make_codes(survey.id, "schule", 1)
    with pytest.raises(AccessDenied):
        SurveyService(store, instruments(), person(store, "ole", "Andere Einrichtung")).result(survey.id)


def test_a_second_sending_replaces_the_first_and_closed_or_full_surveys_refuse(store):
    service, survey = open_survey(store, max_responses=2)
    people = Respondents(store)
    anna = people.by_link(service.links(survey.id)["jugendamt"], "a" * 32)
    assert people.respond(anna, {"erreichbar": "4", "anregung": '=HYPERLINK("x")'}) is False
    assert people.respond(anna, {"erreichbar": "2"}) is True
    assert store.surveys.responses(survey.id) == [("jugendamt", {"erreichbar": "2"})]
    with pytest.raises(InputError, match="gibt es hier nicht"):
        people.respond(anna, {"erreichbar": "9"})
    with pytest.raises(InputError, match="zu lang"):
        people.respond(anna, {"anregung": "x" * 1001})
    ben = people.by_link(service.links(survey.id)["schule"], "b" * 32)
    people.respond(ben, {"kontakt": "monatlich"})
    carl = people.by_link(service.links(survey.id)["schule"], "c" * 32)
    with pytest.raises(InputError, match="alle vorgesehenen Antworten"):
        people.respond(carl, {"kontakt": "monatlich"})
    service.close(survey.id)
    anna = people.by_link(service.links(survey.id)["jugendamt"], "a" * 32)
    with pytest.raises(InputError, match="beendet"):
        people.respond(anna, {"erreichbar": "3"})
    assert len(store.surveys.responses(survey.id)) == 2


def test_pace_limits_one_key_and_leaves_the_others_alone():
    pace = Pace(limit=5, window=60)
    assert [pace.allow("flood", now=1.0) for _ in range(7)] == [True] * 5 + [False, False]
    assert pace.allow("someone else", now=1.0)
    assert pace.allow("flood", now=62.0)


# ------------------------------------------------------------------ the pages, over HTTP


@pytest.fixture
def pages(store):
    import tornado.httpserver
    import tornado.web

    from qmkit.server.survey_pages import survey_handlers

    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder = {}

    def run():
        asyncio.set_event_loop(loop)
        app = tornado.web.Application(survey_handlers("/", store=lambda: store), cookie_secret="x" * 32)
        server = tornado.httpserver.HTTPServer(app)
        server.listen(0, "127.0.0.1")
        holder["port"] = next(iter(server._sockets.values())).getsockname()[1]
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    yield f"http://127.0.0.1:{holder['port']}/befragung"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def _xsrf(html: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)


def test_a_respondent_answers_without_javascript_and_the_page_keeps_the_answers(store, pages):
    service, survey = open_survey(store)
    url = f"{pages}?t={service.links(survey.id)['therapie']}"
    browser = requests.Session()
    form = browser.get(url)
    assert form.status_code == 200 and "Sie antworten als: Therapie und Gesundheit" in form.text
    assert form.text.count("<fieldset>") == 12 and "kann ich nicht beurteilen" in form.text
    assert "erst ab 5 Antworten gezeigt" in form.text
    answers = {
        "_xsrf": _xsrf(form.text),
        "erreichbar": "3",
        "wege": ["mail", "treffen"],
        "anregung": "<script>x()</script>",
    }
    sent = browser.post(url, data=answers)
    assert sent.status_code == 200 and "✓ gespeichert" in sent.text
    assert "<script>x()</script>" not in sent.text and "&lt;script&gt;x()&lt;/script&gt;" in sent.text
    stored = store.surveys.responses(survey.id)
    assert stored == [
        ("therapie", {"erreichbar": "3", "wege": ["mail", "treffen"], "anregung": "<script>x()</script>"})
    ]
    again = browser.get(url)  # a reload continues with the stored answers
    assert 'value="3" checked' in again.text and 'value="mail" checked' in again.text
    # easy language
    assert "Ich erreiche die Einrichtung gut" in browser.get(url + "&leicht=1").text


def test_forged_and_stale_requests_get_german_answers_and_store_nothing(store, pages):
    service, survey = open_survey(store)
    url = f"{pages}?t={service.links(survey.id)['schule']}"
    browser = requests.Session()
    token = _xsrf(browser.get(url).text)
    assert "abgelaufen" in browser.post(url, data={"erreichbar": "3"}).text  # no anti-forgery token
    other = requests.Session()
    other.get(url)
    replay = other.post(url, data={"_xsrf": token, "erreichbar": "3"}, cookies={"_xsrf": "fremd"})
    assert replay.status_code == 403
    forged = browser.post(url, data={"_xsrf": token, "erreichbar": "99"})
    assert forged.status_code == 400 and "Nicht gespeichert" in forged.text
    wrong = browser.get(f"{pages}?t=falsch")
    assert wrong.status_code == 404 and "Dieser Link ist ungültig" in wrong.text
    huge = browser.post(url, data={"_xsrf": token, "anregung": "x" * 70_000})
    assert huge.status_code == 413 and "zu lang" in huge.text
    assert store.surveys.responses(survey.id) == []
    service.close(survey.id)
    assert "beendet" in browser.get(url).text


def test_a_paper_code_opens_the_survey_and_saving_as_you_go_answers_json(store, pages):
    service, survey = open_survey(store)
    code = service.make_codes(survey.id, "traeger", 1)[0]
    browser = requests.Session()
    start = browser.get(pages)
    assert "Ihr Code" in start.text
    token = _xsrf(start.text)
    wrong = browser.post(pages, data={"_xsrf": token, "code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == 404 and "Diesen Code gibt es nicht" in wrong.text
    form = browser.post(pages, data={"_xsrf": token, "code": code.lower()})
    assert "Sie antworten als: andere Träger" in form.text and code.lower() not in pages
    saved = browser.post(
        pages,
        data={"_xsrf": token, "code": code, "antworten": "1", "kontakt": "seltener"},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.json() == {"ok": True, "text": saved.json()["text"]} and "gespeichert" in saved.json()["text"]
    assert store.surveys.responses(survey.id) == [("traeger", {"kontakt": "seltener"})]


def test_many_respondents_at_once_each_land_exactly_once(store, pages):
    service, survey = open_survey(store)
    url = f"{pages}?t={service.links(survey.id)['jugendamt']}"

    def answer(i: int) -> int:
        browser = requests.Session()
        token = _xsrf(browser.get(url).text)
        code = 0
        for value in ("4", "3", str(1 + i % 4)):  # saving as each answer is chosen
            code = browser.post(
                url, data={"_xsrf": token, "erreichbar": value}, headers={"X-Requested-With": "fetch"}
            ).status_code
        return code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(answer, range(40)))
    assert codes == [200] * 40
    stored = store.surveys.responses(survey.id)
    assert len(stored) == 40
    assert sorted(a["erreichbar"] for _g, a in stored) == sorted(str(1 + i % 4) for i in range(40))
    result = service.result(survey.id)
    assert result.respondents["jugendamt"] == 40 and result.questions[0].cell("jugendamt").counts["4"] == 10


def test_cli_opens_a_survey_prints_links_and_codes_and_exports_hidden_figures(capsys, tmp_path, monkeypatch):
    import csv

    from qmkit.cli import main
    from qmkit.store import Store

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.setenv("QMKIT_JOIN_URL", "http://192.0.2.7:8867/")
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--catalog", "qmf"]) == 0
    capsys.readouterr()
    assert main(["survey", "create", "--instrument", INSTRUMENT, "--closes", "31.12.2099"]) == 0
    out = capsys.readouterr().out
    assert "Befragung Nr. 1 „Befragung der Systempartner“ geöffnet" in out
    links = re.findall(r"(Jugendamt|Schule|Therapie und Gesundheit|andere Träger): (\S+)", out)
    assert len(links) == 4 and all(link.startswith("http://192.0.2.7:8867/befragung?t=") for _g, link in links)
    assert main(["survey", "codes", "--survey", "1", "--group", "schule", "--count", "6"]) == 0
    codes = capsys.readouterr().out.split()
    assert len(codes) == 6
    store = Store()
    people = Respondents(store)
    for i, code in enumerate(codes):
        people.respond(people.by_code(code), {"erreichbar": "4" if i % 2 else "3", "kontakt": "monatlich"})
    jugendamt = people.by_link(links[0][1].split("t=")[1], "j" * 32)
    people.respond(jugendamt, {"erreichbar": "1"})
    report = tmp_path / "befragung.csv"
    assert main(["export", "survey-report", "--survey", "1", "--out", str(report)]) == 0
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    school = {r["wert"]: r["anzahl"] for r in rows if r["frage"] == "erreichbar" and r["gruppe"] == "schule"}
    assert school == {"4": "3", "3": "3", "2": "0", "1": "0", "0": "0"}
    # one person of the youth office: hidden there, and "alle" (7 = 6 + 1) would give that one away
    assert all(r["anzahl"] == "" for r in rows if r["gruppe"] in ("jugendamt", "alle"))
    assert main(["survey", "close", "--survey", "1"]) == 0
    assert "ist beendet" in capsys.readouterr().out
    with pytest.raises(InputError, match="beendet"):
        people.respond(people.by_code(codes[0]), {"erreichbar": "2"})


def test_the_page_shows_links_with_qr_codes_and_results_only_for_groups_at_the_threshold(store):
    import ipywidgets as w

    from qmkit.ui.app import build_page
    from tests.test_networks import _texts

    service, survey = open_survey(store)
    people = Respondents(store)
    for i in range(6):
        door = people.by_link(service.links(survey.id)["jugendamt"], f"{i:032d}")
        people.respond(door, {"erreichbar": "4" if i < 4 else "2", "anregung": f"<b>Idee {i}</b>"})
    door = people.by_link(service.links(survey.id)["schule"], "s" * 32)
    people.respond(door, {"erreichbar": "1", "anregung": "nur eine Schule"})
    page = build_page("befragung", {"zyklus": str(survey.cycle_id)}, store, shipped_catalogs())
    text = " ".join(_texts(page))
    assert text.count('src="data:image/svg+xml') == 4 and "/befragung?t=" in text
    assert "Antworten bisher: 7 (Jugendamt: 6, Schule: 1, Therapie und Gesundheit: 0, andere Träger: 0)" in text
    assert "zu wenige Antworten (1 von mindestens 5)" in text and "nur eine Schule" not in text
    assert "&lt;b&gt;Idee 0&lt;/b&gt;" in text and "<b>Idee 0</b>" not in text
    assert 'title="trifft voll zu: 4"' in text and "trifft voll zu" in text
    buttons = [b for b in _all(page, w.Button) if b.description == "Befragung beenden"]
    buttons[0].click()
    assert store.surveys.get(survey.id).status.value == "geschlossen"
    assert "Wieder öffnen" in [b.description for b in _all(page, w.Button)]


def _all(widget, kind):
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += _all(child, kind)
    return found


def test_the_excel_report_hides_small_groups_keeps_texts_as_text_and_prints(store, tmp_path):
    from openpyxl import load_workbook

    from qmkit.excel.style import save_workbook
    from qmkit.excel.survey_report import survey_report_workbook
    from tests.conftest import libreoffice_pdf_text

    service, survey = open_survey(store)
    people = Respondents(store)
    for i in range(5):
        door = people.by_link(service.links(survey.id)["jugendamt"], f"{i:032d}")
        people.respond(door, {"erreichbar": "4" if i else "1", "anregung": '=HYPERLINK("http://x","klick")'})
    door = people.by_link(service.links(survey.id)["schule"], "s" * 32)
    people.respond(door, {"erreichbar": "2", "anregung": "Geheimnis der einen Schule"})
    path = save_workbook(survey_report_workbook(*service.report(survey.id)), tmp_path / "befragung.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Deckblatt", "Ergebnisse", "Freitexte"]
    results = wb["Ergebnisse"]
    rows = [[c.value for c in row] for row in results.iter_rows()]
    youth = next(r for r in rows if r[0] == "Jugendamt")
    assert youth[1] == 5 and youth[2] == pytest.approx(0.8) and youth[5] == pytest.approx(0.2)
    school = next(r for r in rows if r[0] == "Schule")
    assert school[1:7] == [None] * 6 and school[7] == "zu wenige Antworten (1 von mindestens 5)"
    assert len(results._charts) == 11
    texts = [[c for c in row] for row in wb["Freitexte"].iter_rows(min_row=2)]
    formulas = [c for row in texts for c in row if c.value and str(c.value).startswith("=")]
    assert formulas and all(c.data_type == "s" for c in formulas)
    assert not any("Geheimnis" in str(c.value) for row in texts for c in row)
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Ergebnis der Befragung" in text and "Jugendamt" in text and "Geheimnis" not in text and pages >= 3


def test_the_self_evaluation_shows_what_the_survey_says_about_a_requirement(store):
    from qmkit.ui.app import build_page
    from tests.test_networks import _html_only

    service, survey = open_survey(store)
    people = Respondents(store)
    for i in range(5):
        door = people.by_link(service.links(survey.id)["jugendamt"], f"{i:032d}")
        people.respond(door, {"absprachen": "3", "beteiligung": "4"})
    door = people.by_link(service.links(survey.id)["schule"], "s" * 32)
    people.respond(door, {"absprachen": "1"})
    page = " ".join(
        _html_only(
            build_page(
                "selbstbewertung", {"zyklus": str(survey.cycle_id), "anforderung": "H.1"}, store, shipped_catalogs()
            )
        )
    )
    assert "Aus Befragungen" in page and "Befragung „Befragung der Systempartner“" in page
    # H.1 is informed by "absprachen": the youth office's median is shown, the single school is not
    assert "Absprachen aus der Hilfeplanung werden verlässlich eingehalten.</i> – Jugendamt: trifft eher zu (5)" in page
    assert "Schule: trifft nicht zu" not in page


def test_ten_thousand_posts_from_one_browser_are_capped_and_store_one_response(store, pages):
    """A script posting 10,000 times: a German 'slower, please', the address capped, one response stored."""
    if store.db.engine.dialect.name != "sqlite":
        pytest.skip("Die Bremse sitzt im Server, nicht in der Datenbank: einmal (auf SQLite) genügt.")
    service, survey = open_survey(store)
    url = f"{pages}?t={service.links(survey.id)['traeger']}"
    browser = requests.Session()
    token = _xsrf(browser.get(url).text)
    adapter = requests.adapters.HTTPAdapter(pool_connections=8, pool_maxsize=8)
    browser.mount("http://", adapter)

    def post(i: int) -> tuple[int, str]:
        reply = browser.post(
            url, data={"_xsrf": token, "erreichbar": str(1 + i % 4)}, headers={"X-Requested-With": "fetch"}
        )
        return reply.status_code, reply.json()["text"]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(post, range(10_000)))
    minutes = int((time.monotonic() - started) // 60) + 1  # the pace counts per minute: a slow machine gets more
    codes = [c for c, _t in replies]
    assert codes.count(200) <= 120 * minutes and codes.count(429) >= 10_000 - 120 * minutes
    texts = {t for c, t in replies if c == 429}
    assert texts <= {
        "Bitte etwas langsamer – Ihre Antworten werden gleich wieder gespeichert.",
        "Zu viele Anfragen von dieser Adresse. Bitte in einer Minute noch einmal.",
    }
    assert len(store.surveys.responses(survey.id)) == 1


def _xlsform(rows, choices, settings=None) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in rows:
        ws.append(row)
    sheet = wb.create_sheet("choices")
    for row in choices:
        sheet.append(row)
    if settings:
        extra = wb.create_sheet("settings")
        for row in settings:
            extra.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


XLS_CHOICES = [
    ["list_name", "name", "label"],
    ["zust", "4", "trifft voll zu"],
    ["zust", "3", "trifft eher zu"],
    ["zust", "1", "trifft nicht zu"],
    ["wege", "mail", "E-Mail"],
    ["wege", "tel", "Telefon"],
    ["qmkit_gruppen", "ja", "Jugendamt"],
    ["qmkit_gruppen", "sch", "Schule"],
]


def test_an_xlsform_becomes_an_instrument_and_what_qmkit_does_not_take_is_listed():
    from qmkit.excel.xlsform import read_xlsform

    rows = [
        ["type", "name", "label", "qmkit_kind", "qmkit_informs", "relevant"],
        ["select_one zust", "erreichbar", "Gut erreichbar?", "scale", "H.1", ""],
        ["select_multiple wege", "wege", '=HYPERLINK("http://x","Wege?")', "", "", "${erreichbar} = '4'"],
        ["begin group", "g", "Block", "", "", ""],
        ["text", "anregung", "<script>Anregung</script>", "", "B.3", ""],
        ["end group", "", "", "", "", ""],
        ["integer", "alter", "Alter", "", "", ""],
        ["note", "hinweis", "Danke", "", "", ""],
        ["geopoint", "ort", "Ort", "", "", ""],
    ]
    settings = [["form_title", "form_id", "version"], ["Befragung aus Kobo", "kobo bf", "7"]]
    read = read_xlsform(_xlsform(rows, XLS_CHOICES, settings), "kobo.xlsx", shipped_catalogs().catalogs)
    instrument = read.instrument
    assert (instrument.id, instrument.title, instrument.version) == ("kobo_bf", "Befragung aus Kobo", "7")
    assert [g.title for g in instrument.groups] == ["Jugendamt", "Schule"]
    kinds = {q.id: q.kind.value for q in instrument.questions}
    assert kinds == {"erreichbar": "scale", "wege": "multiple", "anregung": "text"}
    # a formula in a label is not run and not taken: the question is named by its name
    assert instrument.questions[1].text == "wege" and instrument.questions[0].informs == ("H.1",)
    assert instrument.questions[2].text == "<script>Anregung</script>"  # text, escaped wherever it is shown
    not_taken = " | ".join(read.not_taken)
    for name in ("alter", "hinweis", "ort"):
        assert f"„{name}“" in not_taken
    assert "relevant wird nicht ausgewertet" in not_taken


def test_broken_and_hostile_xlsforms_get_a_german_message():
    from qmkit.excel.xlsform import read_xlsform

    catalogs = shipped_catalogs().catalogs
    huge = [["type", "name", "label"]] + [["text", f"q{i}", f"Frage {i}"] for i in range(10_000)]
    cases = {
        "riesig.xlsx": (_xlsform(huge, XLS_CHOICES), "höchstens 2000"),
        "kaputt.xlsx": (b"PK\x03\x04 kein echtes xlsx", "keine lesbare XLSForm-Datei"),
        "leer.xlsx": (_xlsform([["type", "name", "label"], ["integer", "n", "Zahl"]], XLS_CHOICES), "questions"),
        "liste.xlsx": (_xlsform([["type", "name", "label"], ["select_one fehlt", "a", "A"]], XLS_CHOICES), "questions"),
        "anford.xlsx": (
            _xlsform([["type", "name", "label", "qmkit_informs"], ["text", "a", "A", "ZZ.9"]], XLS_CHOICES),
            "ZZ.9",
        ),
    }
    for name, (data, expected) in cases.items():
        with pytest.raises(CatalogError) as caught:
            read_xlsform(data, name, catalogs)
        assert name in str(caught.value) and expected in str(caught.value), str(caught.value)
