"""Workshop participants on the participant server's own pages (no kernel), over plain HTTP.

What a participant and an attacker would try: join by link (anonymous or named, role group) and rate without
JavaScript, save as you go with JavaScript, continue after a reload with the cookie; wrong or missing tokens,
the facilitator's token, a forged or replayed anti-forgery token, values not on the scale, over-long texts, an
ended workshop, a flood from one address and from one browser – each a German answer and nothing stored; 30
participants at once each land exactly once, and 200 people behind one address all get through. Runs on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

from qmkit.domain.workshop import CANNOT_JUDGE
from qmkit.services.cycles import CycleService
from tests.conftest import shipped_catalogs, workshops

FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture
def cycle(store):
    catalog = shipped_catalogs().get("qm4")
    inst = CycleService(store).create_institution("Familienbildung Nord")
    return catalog, CycleService(store).create_cycle(inst.id, "2027", catalog)


def new_workshop(store, cycle, n=3, **extra):
    catalog, cyc = cycle
    reqs = [r.id for r in catalog.requirements()[:n]]
    return workshops(store, cyc.id).create(title=extra.pop("title", "Teamtag"), requirement_ids=reqs, **extra)


def scale(catalog, req_id):
    req = next(r for r in catalog.requirements() if r.id == req_id)
    return [v.value for v in catalog.scale_for(req)] + [CANNOT_JUDGE]


@contextmanager
def serving(store) -> Iterator[str]:
    """The workshop pages in a tornado server of their own (on the test's store); yields its base URL."""
    import tornado.httpserver
    import tornado.web

    from qmkit.server.workshop_pages import workshop_handlers

    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder = {}

    def run():
        asyncio.set_event_loop(loop)
        routes = workshop_handlers("/", store=lambda: store, catalogs=shipped_catalogs)
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes, cookie_secret="x" * 32))
        server.listen(0, "127.0.0.1")
        holder["port"] = next(iter(server._sockets.values())).getsockname()[1]
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield f"http://127.0.0.1:{holder['port']}/"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


@pytest.fixture
def server(store):
    with serving(store) as base:
        yield base


def _xsrf(html: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)


class Phone:
    """One browser: follows the join link, joins, answers."""

    def __init__(self, base: str, token: str):
        self.session = requests.Session()
        first = self.session.get(f"{base}?{urlencode({'t': token})}")
        self.page = first.text
        self.url = first.url  # ?t=…&p=… after the gate's redirect
        self.key = parse_qs(urlparse(self.url).query).get("p", [""])[0]

    def post(self, data: dict, fetch: bool = False, **kwargs) -> requests.Response:
        return self.session.post(self.url, data={"_xsrf": _xsrf(self.page), **data}, headers=FETCH if fetch else {})

    def join(self, role: str = "", name: str = "") -> requests.Response:
        reply = self.post({"aktion": "teilnehmen", "rolle": role, "name": name})
        self.page = reply.text
        return reply

    def rate(self, req: str, value: str, comment: str = "") -> requests.Response:
        return self.post({"aktion": "bewerten", "nur": req, f"w:{req}": value, f"k:{req}": comment}, fetch=True)


def test_join_and_rate_without_javascript_then_continue_after_a_reload(store, cycle, server):
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle, title="Teamtag <b>Qualität</b>")
    phone = Phone(server, ws.token)
    assert phone.key and "Teilnehmen" in phone.page and "Rollengruppe" in phone.page
    assert "Teamtag &lt;b&gt;Qualität&lt;/b&gt;" in phone.page and "<b>Qualität" not in phone.page
    assert 'name="name"' not in phone.page  # anonymous: no name asked
    joined = phone.join(role="Verwaltung")
    assert joined.status_code == 200 and joined.url == phone.url  # back to the page (303), now the cards
    assert phone.page.count("<fieldset") == 3 and "kann ich nicht beurteilen" in phone.page
    assert "0 von 3 beantwortet" in phone.page
    first, second, third = ws.requirement_ids
    answers = {
        "aktion": "bewerten",
        f"w:{first}": scale(catalog, first)[0],
        f"k:{first}": "<script>alert(1)</script>",
        f"w:{second}": CANNOT_JUDGE,
        f"k:{second}": '=HYPERLINK("http://x","klick")',
    }
    sent = phone.post(answers)
    assert sent.status_code == 200 and "✓ Ihre Antworten sind gespeichert." in sent.text
    assert "2 von 3 beantwortet" in sent.text
    assert "<script>alert(1)</script>" not in sent.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in sent.text
    people = store.workshops.participants(ws.id)
    assert [(p.role_group, p.display_name) for p in people] == [("Verwaltung", "")]
    stored = {r.requirement_id: (r.value, r.comment) for r in store.workshops.ratings(ws.id)}
    assert stored == {
        first: (scale(catalog, first)[0], "<script>alert(1)</script>"),
        second: (CANNOT_JUDGE, '=HYPERLINK("http://x","klick")'),
    }
    # the link opened again in the same browser (cookie): the same key, the stored answers
    again = phone.session.get(f"{server}?t={ws.token}")
    assert again.url == phone.url and "2 von 3 beantwortet" in again.text
    assert f'value="{CANNOT_JUDGE}" checked' in again.text and "=HYPERLINK(&quot;http://x&quot;" in again.text
    assert len(store.workshops.participants(ws.id)) == 1 and third not in stored
    # a comment typed before choosing an answer is not stored, but comes back in the form with the hint
    typed = phone.post({"aktion": "bewerten", f"k:{third}": "Erst nachdenken, dann wählen"})
    assert typed.status_code == 400 and "Bitte zuerst eine Antwort wählen" in typed.text
    assert "Erst nachdenken, dann wählen" in typed.text and third not in {
        r.requirement_id for r in store.workshops.ratings(ws.id)
    }


def test_a_named_workshop_keeps_the_name_and_refuses_unknown_role_groups(store, cycle, server):
    ws = new_workshop(store, cycle, n=1, named=True, title="Leitungsrunde")
    phone = Phone(server, ws.token)
    assert 'name="name"' in phone.page
    refused = phone.join(role="Chef <script>", name="Erika")
    assert refused.status_code == 400 and "Rollengruppe aus der Liste" in refused.text
    assert store.workshops.participants(ws.id) == []
    phone.join(role="Leitung", name="Erika <b>E.</b>")
    assert [p.display_name for p in store.workshops.participants(ws.id)] == ["Erika <b>E.</b>"]


def test_saving_as_you_go_answers_json_with_the_progress(store, cycle, server):
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle)
    phone = Phone(server, ws.token)
    phone.join()
    first, second, _third = ws.requirement_ids
    saved = phone.rate(first, scale(catalog, first)[1])
    assert saved.json() == {"ok": True, "text": "✓ gespeichert", "progress": "1 von 3 beantwortet"}
    changed = phone.rate(first, scale(catalog, first)[0], "kurz")  # a later answer replaces the earlier one
    assert changed.json()["progress"] == "1 von 3 beantwortet"
    no_value = phone.rate(second, "", "Kommentar ohne Antwort")
    assert no_value.status_code == 400 and "zuerst eine Antwort" in no_value.json()["text"]
    assert [(r.requirement_id, r.value, r.comment) for r in store.workshops.ratings(ws.id)] == [
        (first, scale(catalog, first)[0], "kurz")
    ]


def test_wrong_tokens_forged_requests_and_bad_values_store_nothing(store, cycle, server):
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle)
    browser = requests.Session()
    plain = browser.get(server)
    assert plain.status_code == 200 and "Beitrittscode" in plain.text and "Teamtag" not in plain.text
    for bad in ("falsch", ws.facilitator_token, ws.token[:-1] + ("B" if ws.token.endswith("A") else "A")):
        refused = browser.get(f"{server}?t={bad}")
        assert refused.status_code == 403 and "ungültig" in refused.text and "Teamtag" not in refused.text
    assert browser.get(f"{server}?code=ZZZZZZ").status_code == 404
    by_code = browser.get(f"{server}?code={ws.join_code.lower()}")
    assert by_code.status_code == 200 and "Teamtag" in by_code.text

    phone = Phone(server, ws.token)
    phone.join()
    first = ws.requirement_ids[0]
    good = {"aktion": "bewerten", f"w:{first}": scale(catalog, first)[0]}
    missing = phone.session.post(phone.url, data=good)  # no anti-forgery token
    assert missing.status_code == 403 and "abgelaufen" in missing.text
    other = requests.Session()
    other.get(phone.url)
    replay = other.post(phone.url, data={"_xsrf": _xsrf(phone.page), **good}, cookies={"_xsrf": "fremd"})
    assert replay.status_code == 403 and "abgelaufen" in replay.text
    off_scale = phone.post({"aktion": "bewerten", f"w:{first}": "99"})
    assert off_scale.status_code == 400 and "Nicht gespeichert: Bitte einen Wert der Skala wählen." in off_scale.text
    too_long = phone.rate(first, scale(catalog, first)[0], "x" * 501)
    assert too_long.status_code == 400 and "höchstens 500 Zeichen" in too_long.json()["text"]
    huge = phone.post({"aktion": "bewerten", f"k:{first}": "x" * 70_000})
    assert huge.status_code == 413 and "zu viel Text" in huge.text
    other_key = phone.session.post(server + "?" + urlencode({"t": ws.token, "p": "kurz"}), data={})
    assert other_key.status_code in (400, 403)
    stranger = Phone(server, ws.token)  # not joined yet: rating is refused
    early = stranger.rate(first, scale(catalog, first)[0])
    assert early.status_code == 400 and "Teilnehmen" in early.json()["text"]
    assert store.workshops.ratings(ws.id) == []


def test_an_ended_workshop_says_so_and_takes_nothing(store, cycle, server):
    catalog, cyc = cycle
    old = new_workshop(store, cycle, held_on=date.today() - timedelta(days=30), title="Frühjahr")
    answer = requests.get(f"{server}?t={old.token}", allow_redirects=True)
    assert answer.status_code == 200 and "Dieser Workshop ist beendet" in answer.text
    # a workshop whose every requirement has its consensus has ended too, for a phone in the middle of it
    ws = new_workshop(store, cycle, n=1)
    phone = Phone(server, ws.token)
    phone.join()
    req = ws.requirement_ids[0]
    assert phone.rate(req, scale(catalog, req)[0]).json()["ok"]
    workshops(store, cyc.id).record_consensus(ws, req, scale(catalog, req)[0])
    late = phone.rate(req, scale(catalog, req)[1])
    assert late.status_code == 409 and "geeinigt" in late.json()["text"]
    assert "Dieser Workshop ist beendet" in phone.session.get(phone.url).text
    assert [r.value for r in store.workshops.ratings(ws.id)] == [scale(catalog, req)[0]]


def test_thirty_participants_at_once_each_answer_lands_exactly_once(store, cycle, server):
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle, n=4)

    def take_part(i: int) -> tuple[str, dict[str, str], list[int]]:
        phone = Phone(server, ws.token)
        codes = [phone.join(role="Leitung" if i % 2 else "").status_code]
        chosen = {}
        for k, req in enumerate(ws.requirement_ids[:3]):  # saving as each answer is chosen (JavaScript)
            values = scale(catalog, req)
            chosen[req] = values[(i + k) % len(values)]
            codes.append(phone.rate(req, chosen[req], f"p{i}").status_code)
        last = ws.requirement_ids[3]  # the last one with the button at the end (no JavaScript)
        chosen[last] = scale(catalog, last)[i % 3]
        codes.append(phone.post({"aktion": "bewerten", f"w:{last}": chosen[last]}).status_code)
        return phone.key, chosen, codes

    with ThreadPoolExecutor(max_workers=30) as pool:
        done = list(pool.map(take_part, range(30)))
    assert all(codes == [200] * 5 for _key, _chosen, codes in done)
    keys = {p.id: p.key for p in store.workshops.participants(ws.id)}
    ratings = store.workshops.ratings(ws.id)
    assert len(keys) == 30 and len(ratings) == 30 * 4  # none lost, none doubled
    expected = {(key, req): value for key, chosen, _c in done for req, value in chosen.items()}
    assert {(keys[r.participant_id], r.requirement_id): r.value for r in ratings} == expected
    result = workshops(store, ws.cycle_id).result(ws)
    assert result.participants == 30 and all(s.answers == 30 for s in result.stats)


def _from(address: str, port: int, path: str) -> tuple[int, str]:
    """A POST from another loopback address (the server sees 127.0.0.2 as the client)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    try:
        conn.request(
            "POST", path, body="aktion=bewerten", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        reply = conn.getresponse()
        return reply.status, reply.read().decode()
    finally:
        conn.close()


def test_a_flood_from_one_address_is_capped_and_others_still_get_through(store, cycle, monkeypatch):
    """A script posting 500 times from one address: a German answer once the address's minute is used up; a
    participant at another address rates on as if nothing happened. (The cap is lowered to 300 for the test.)"""
    if store.db.engine.dialect.name != "sqlite":
        pytest.skip("Die Bremse sitzt im Server, nicht in der Datenbank: einmal (auf SQLite) genügt.")
    import qmkit.server.workshop_pages as pages

    monkeypatch.setattr(pages, "REQUESTS_PER_ADDRESS", 300)
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle, n=1)
    req = ws.requirement_ids[0]
    with serving(store) as base:
        port = urlparse(base).port
        path = "/?" + urlencode({"t": ws.token, "p": "A" * 22})
        with ThreadPoolExecutor(max_workers=8) as pool:
            flood = list(pool.map(lambda _i: _from("127.0.0.2", port, path), range(500)))
        capped = [text for status, text in flood if status == 429]
        assert len(capped) >= 200 and all("Zu viele Anfragen von dieser Adresse" in t for t in capped)
        phone = Phone(base, ws.token)  # from 127.0.0.1
        phone.join()
        assert phone.rate(req, scale(catalog, req)[0]).json()["ok"]
        assert _from("127.0.0.2", port, path)[0] == 429  # still capped this minute
    assert len(store.workshops.ratings(ws.id)) == 1


def test_one_browser_posting_endlessly_is_slowed_down_and_stores_one_answer(store, cycle, server):
    if store.db.engine.dialect.name != "sqlite":
        pytest.skip("Die Bremse sitzt im Server, nicht in der Datenbank: einmal (auf SQLite) genügt.")
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle, n=1)
    req = ws.requirement_ids[0]
    phone = Phone(server, ws.token)
    phone.join()
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda i: phone.rate(req, scale(catalog, req)[i % 3]), range(300)))
    codes = [r.status_code for r in replies]
    assert codes.count(200) <= 120 and codes.count(429) >= 179  # the join counted too
    assert {r.json()["text"] for r in replies if r.status_code == 429} == {
        "Bitte etwas langsamer – Ihre Antworten werden gleich wieder gespeichert."
    }
    assert len(store.workshops.ratings(ws.id)) == 1


def test_two_hundred_people_behind_one_address_all_get_through(store, cycle, server):
    """A whole team behind one NAT address (the tests' 127.0.0.1): nobody is capped."""
    if store.db.engine.dialect.name != "sqlite":
        pytest.skip("Die Bremse sitzt im Server, nicht in der Datenbank: einmal (auf SQLite) genügt.")
    catalog, _cyc = cycle
    ws = new_workshop(store, cycle, n=2)

    def take_part(i: int) -> list[int]:
        phone = Phone(server, ws.token)
        codes = [phone.join().status_code]
        codes += [phone.rate(req, scale(catalog, req)[i % 3]).status_code for req in ws.requirement_ids]
        return codes

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = [c for person in pool.map(take_part, range(200)) for c in person]
    assert codes == [200] * 600
    assert len(store.workshops.ratings(ws.id)) == 400
