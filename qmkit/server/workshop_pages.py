"""Workshop participants on the participant server: answered by its own request handlers, no kernel per person.

``GET /?t=TOKEN`` passes the join gate (:mod:`qmkit.server.join_gate`: the code form, the token check, wrong codes
paced per address) and leads to ``?t=TOKEN&p=KEY`` – the participant key kept in a cookie for this workshop, so a
reload or the reopened link continues with the same answers. The page is the join form until the key has joined,
then one card per requirement. ``POST`` joins (``aktion=teilnehmen``) or stores answers (``aktion=bewerten``; with
JavaScript one requirement per request, ``nur=<id>``, answered with JSON). Every POST carries tornado's anti-forgery
token; requests are paced per address (in memory, hashed: no address is stored) with room for a whole team behind
one address, saves per participant; store calls run in a thread pool so one slow write holds nobody up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

import tornado.web
from tornado.ioloop import IOLoop

from qmkit.domain.catalog import CatalogSet
from qmkit.domain.workshop import Participant, valid_key
from qmkit.errors import NotFoundError, QmkitError
from qmkit.i18n import _
from qmkit.server.join_gate import COOKIE_DAYS, CodeTries, cookie_name, decide
from qmkit.server.shared_store import shared_catalogs, shared_store
from qmkit.server.survey_html import message_page
from qmkit.server.survey_pages import Pace
from qmkit.server.workshop_html import Item, join_page, progress_text, rating_page
from qmkit.services.workshop import Participation
from qmkit.store import Store

MAX_BODY = 64 * 1024
SAVES_PER_BROWSER = 120  # per minute: saving as each answer is chosen stays far below
REQUESTS_PER_ADDRESS = 6000  # per minute, pages and saves: 200 people behind one address, each ~30 requests
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


class Visit:
    """What one request found: the workshop (as a participation), the participant of the key, why it is closed."""

    def __init__(self, participation: Participation, participant: Participant | None, closed: str | None):
        self.participation, self.participant, self.closed = participation, participant, closed
        by_id = {r.id: r for r in participation.catalog.requirements()}
        reqs = [by_id[i] for i in participation.workshop.requirement_ids if i in by_id]  # the catalog may change
        self.items = [Item(r.id, r.title, r.text, participation.catalog.scale_for(r)) for r in reqs]

    @classmethod
    def open(cls, store: Store, catalogs: CatalogSet, token: str, key: str, closed: bool = True) -> Visit:
        """``closed``: find out now whether the workshop has ended (a POST leaves that to the service's check)."""
        participation = Participation.open(store, token, catalogs)
        return cls(participation, participation.participant(key), participation.closed() if closed else None)

    def stored(self) -> dict[str, tuple[str, str]]:
        if self.participant is None:
            return {}
        return {k: (a.value, a.comment) for k, a in self.participation.answers(self.participant).items()}

    def save(self, participant: Participant, answers: dict[str, tuple[str, str]]) -> tuple[int, str, dict[str, Any]]:
        """Store the answers: (HTTP status, the refusal or "", what is stored now) – one trip to the thread pool."""
        status, problem = 200, ""
        try:
            self.participation.rate_all(participant, answers)
        except QmkitError as refused:
            status = 409 if getattr(refused, "field", "") == "workshop" else 400
            problem = _("Nicht gespeichert: ") + str(refused)
        return status, problem, self.stored()


class WorkshopHandler(tornado.web.RequestHandler):
    """The participant's page of a workshop (see the module)."""

    def initialize(self, store: Callable[[], Store], catalogs: Callable[[], CatalogSet], paces: dict[str, Any]) -> None:
        self.store, self.catalogs, self.paces = store, catalogs, paces

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A German page instead of tornado's (e.g. 403 when the anti-forgery token is missing or stale)."""
        text = _("Die Seite ist abgelaufen. Bitte neu laden und noch einmal senden.")
        if status_code != 403:
            text = _("Das hat nicht geklappt. Bitte die Seite neu laden.")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(message_page(_("Workshop"), text))

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await IOLoop.current().run_in_executor(None, partial(fn, *args))

    def _html(self, status: int, html: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)

    def _json(self, status: int, ok: bool, text: str, progress: str = "") -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"ok": ok, "text": text, "progress": progress}, ensure_ascii=False))

    def _paced(self, fetch: bool = False) -> bool:
        """Whether the address has asked too often this minute (then the German answer is already sent)."""
        if self.paces["address"].allow(self.request.remote_ip or ""):
            return False
        self._refuse(429, _("Zu viele Anfragen von dieser Adresse. Bitte in einer Minute noch einmal."), fetch)
        return True

    def _refuse(self, status: int, text: str, fetch: bool) -> None:
        if fetch:
            self._json(status, False, text)
        else:
            self._html(status, message_page(_("Workshop"), text))

    def _action(self, token: str, key: str) -> str:
        return self.request.path + "?" + urlencode({"t": token, "p": key})

    def _page(
        self, visit: Visit, key: str, note: tuple[str, str] | None = None, shown: Any = None, stored: Any = None
    ) -> str:
        """The join form or the rating cards; ``shown``: answers to show instead of the ``stored`` ones."""
        action, hidden = self._action(visit.participation.workshop.token, key), self.xsrf_form_html()
        workshop = visit.participation.workshop
        if visit.participant is None:
            return join_page(workshop, len(visit.items), action, hidden, note)
        stored = visit.stored() if stored is None else stored
        return rating_page(workshop, visit.items, shown or stored, action, hidden, note, frozenset(stored))

    async def get(self) -> None:
        if self._paced():
            return
        query = {k: self.get_query_argument(k) for k in ("t", "p", "code") if self.get_query_argument(k, "")}
        cookies = {k: m.value for k, m in self.request.cookies.items()}
        gate = await self._run(decide, self.store(), query, cookies, self.request.remote_ip or "", self.paces["codes"])
        if gate.cookie:
            self._keep(*gate.cookie)
        if gate.redirect:
            self.redirect(gate.redirect, status=gate.status)
            return
        if gate.html is not None:
            self._html(gate.status, gate.html)
            return
        try:
            visit = await self._run(Visit.open, self.store(), self.catalogs(), query["t"], query["p"])
        except NotFoundError as refused:
            self._refuse(403, str(refused), False)
            return
        if visit.closed:
            self._html(200, message_page(visit.participation.workshop.title, visit.closed, "ok"))
            return
        self._html(200, await self._run(self._page, visit, query["p"]))

    def _keep(self, name: str, key: str) -> None:
        path = self.settings.get("base_url", "/")  # behind JupyterHub: /services/teilnahme/ only
        self.set_cookie(name, key, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax", path=path)

    async def post(self) -> None:
        fetch = self.request.headers.get("X-Requested-With") == "fetch"
        if self._paced(fetch):
            return
        if len(self.request.body) > MAX_BODY:
            self._refuse(413, _("Das ist zu viel Text auf einmal. Bitte kürzer fassen."), fetch)
            return
        self.check_xsrf_cookie()
        token, key = self.get_query_argument("t", ""), self.get_query_argument("p", "")
        if not valid_key(key):
            self._refuse(400, _("Bitte den Link der Moderation noch einmal öffnen."), fetch)
            return
        if not self.paces["browser"].allow(key):
            self._refuse(429, _("Bitte etwas langsamer – Ihre Antworten werden gleich wieder gespeichert."), fetch)
            return
        try:
            visit = await self._run(Visit.open, self.store(), self.catalogs(), token, key, False)
        except NotFoundError as refused:
            self._refuse(403, str(refused), fetch)
            return
        if self.get_body_argument("aktion", "") == "teilnehmen":
            await self._join(visit, key)
        elif visit.participant is None:
            note = ("err", _("Bitte zuerst auf „Teilnehmen“ tippen."))
            if fetch:
                self._refuse(400, note[1], fetch)
            else:
                self._html(400, self._page(visit, key, note))
        else:
            await self._save(visit, visit.participant, key, fetch)

    async def _join(self, visit: Visit, key: str) -> None:
        name, role = self.get_body_argument("name", ""), self.get_body_argument("rolle", "")
        try:
            joined = await self._run(visit.participation.join, name, role, key)
        except QmkitError as refused:
            if getattr(refused, "field", "") == "workshop":  # ended or full
                self._refuse(409, str(refused), False)
            else:
                self._html(400, self._page(visit, key, ("err", str(refused))))
            return
        self._keep(cookie_name(visit.participation.workshop.id), joined.key)
        self.redirect(self._action(visit.participation.workshop.token, joined.key), status=303)

    def _answers(self, visit: Visit) -> tuple[dict[str, tuple[str, str]], str, dict[str, tuple[str, str]]]:
        """The answers in the form (requirement id -> (value, comment)), a problem to tell, if any, and the
        comments typed before an answer was chosen (not stored, but shown again so nothing typed is lost)."""
        only = self.get_body_argument("nur", "")
        found: dict[str, tuple[str, str]] = {}
        pending: dict[str, tuple[str, str]] = {}
        problem = ""
        for item in visit.items:
            if only and item.id != only:
                continue
            value, comment = self.get_body_argument(f"w:{item.id}", ""), self.get_body_argument(f"k:{item.id}", "")
            if value:
                found[item.id] = (value, comment)
            elif comment.strip():
                problem = _("Bitte zuerst eine Antwort wählen; der Kommentar wird mit ihr gespeichert.")
                pending[item.id] = ("", comment)
        return found, problem, pending

    async def _save(self, visit: Visit, participant: Participant, key: str, fetch: bool) -> None:
        answers, problem, pending = self._answers(visit)
        status, refused, stored = await self._run(visit.save, participant, answers)
        problem = refused or problem
        if fetch:
            text, progress = problem or "✓ " + _("gespeichert"), progress_text(len(stored), len(visit.items))
            self._json(status if refused else 400 if problem else 200, not problem, text, progress)
            return
        if status == 409:
            self._refuse(409, problem, False)
            return
        note = ("err", problem) if problem else ("ok", "✓ " + _("Ihre Antworten sind gespeichert."))
        shown = {**stored, **answers, **pending} if problem else None
        self._html(400 if problem else 200, self._page(visit, key, note, shown, stored))


def workshop_handlers(
    base_url: str, store: Callable[[], Store] | None = None, catalogs: Callable[[], CatalogSet] | None = None
) -> list[Any]:
    """The route of the participant page (``base_url`` itself, where the join links and QR codes point); ``store``
    and ``catalogs`` give the process's one store and catalog set (the participant server's by default)."""
    from jupyter_server.utils import url_path_join

    paces = {"address": Pace(REQUESTS_PER_ADDRESS), "browser": Pace(SAVES_PER_BROWSER), "codes": CodeTries()}
    settings = {"store": store or shared_store, "catalogs": catalogs or shared_catalogs, "paces": paces}
    return [(url_path_join(base_url, "/"), WorkshopHandler, settings)]
