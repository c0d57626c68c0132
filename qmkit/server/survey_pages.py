"""Survey respondents on the participant server: answered by its own request handlers, no kernel per person.

``GET befragung?t=TOKEN`` shows the form of the link's group (a browser key in a cookie names the response, so a
reload continues with the same answers and a second sending replaces the first); ``POST`` stores all answers of the
form. ``GET befragung`` without a link asks for a printed code. Every POST carries tornado's anti-forgery token;
requests are paced per browser and per address (in memory only: no address is stored) with room for a whole
school or youth office behind one address. Store calls run in a thread pool so one slow write holds nobody up.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

import tornado.web
from tornado.ioloop import IOLoop

from qmkit.errors import NotFoundError, QmkitError
from qmkit.i18n import _
from qmkit.server.join_gate import CodeTries
from qmkit.server.shared_store import shared_store
from qmkit.server.survey_html import code_page, message_page, survey_page
from qmkit.services.surveys import Door, Respondents
from qmkit.store import Store

KEY_COOKIE = "qmkit_befragung"
MAX_BODY = 64 * 1024
SAVES_PER_BROWSER = 120  # per minute: saving as each answer is chosen stays far below
REQUESTS_PER_ADDRESS = 3000  # per minute: 500 people behind one address, each saving a dozen times


class Pace:
    """At most ``limit`` events per ``window`` seconds per key (keys are hashed; nothing outlives the process)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        name = hashlib.sha256(key.encode()).hexdigest()[:24]
        events = self._seen.setdefault(name, deque())
        while events and now - events[0] > self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._seen) > 50_000:  # never grow without bound
            self._seen.pop(next(iter(self._seen)))
        return True


class SurveyHandler(tornado.web.RequestHandler):
    """The respondent's page of a survey (see the module)."""

    def initialize(self, store: Any, paces: dict[str, Any]) -> None:
        self.respondents = Respondents(store())
        self.paces = paces

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A German page instead of tornado's (e.g. 403 when the anti-forgery token is missing or stale)."""
        text = _("Die Seite ist abgelaufen. Bitte neu laden und noch einmal senden.")
        if status_code != 403:
            text = _("Das hat nicht geklappt. Bitte die Seite neu laden.")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(message_page(_("Befragung"), text))

    def set_default_headers(self) -> None:
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")

    def _key(self) -> str:
        key = self.get_cookie(KEY_COOKIE) or ""
        if len(key) != 32 or not key.isalnum():
            key = secrets.token_hex(16)
            path = self.settings.get("base_url", "/")
            self.set_cookie(KEY_COOKIE, key, expires_days=120, httponly=True, samesite="Lax", path=path)
        return key

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await IOLoop.current().run_in_executor(None, partial(fn, *args))

    def _answer(self, status: int, html: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)

    def _hidden(self, code: str = "") -> str:
        extra = f'<input type="hidden" name="code" value="{tornado.escape.xhtml_escape(code)}">' if code else ""
        return self.xsrf_form_html() + extra

    def _form(self, door: Door, answers: dict[str, Any], note: tuple[str, str] | None, code: str = "") -> str:
        token = self.get_query_argument("t", "")
        easy = self.get_query_argument("leicht", "") == "1"
        action = self.request.path + ("?" + urlencode({"t": token}) if token else "")
        switch = {"t": token, **({} if easy else {"leicht": "1"})} if token else None
        survey = door.survey
        return survey_page(
            survey.instrument,
            survey.title,
            survey.instrument.group(door.group_id).title,
            answers,
            action,
            self._hidden(code),
            easy,
            note,
            self.request.path + "?" + urlencode(switch) if switch else "",
            survey.threshold,
        )

    async def get(self) -> None:
        token = self.get_query_argument("t", "")
        if not token:
            self._answer(200, code_page(self.request.path, self._hidden()))
            return
        try:
            door = await self._run(self.respondents.by_link, token, self._key())
        except NotFoundError as refused:
            self._answer(404, message_page(_("Befragung"), str(refused)))
            return
        closed = door.survey.closed_reason(_today())
        if closed:
            self._answer(200, message_page(door.survey.title, closed, "ok"))
            return
        answers = await self._run(self.respondents.earlier, door)
        self._answer(200, self._form(door, answers, None))

    async def post(self) -> None:
        fetch = self.request.headers.get("X-Requested-With") == "fetch"
        address = self.request.remote_ip or ""
        if not self.paces["address"].allow(address):
            self._refuse(429, _("Zu viele Anfragen von dieser Adresse. Bitte in einer Minute noch einmal."), fetch)
            return
        if len(self.request.body) > MAX_BODY:
            self._refuse(413, _("Die Antworten sind zu lang. Bitte kürzer fassen."), fetch)
            return
        self.check_xsrf_cookie()
        token, code = self.get_query_argument("t", ""), self.get_body_argument("code", "")
        try:
            door = await self._door(token, code, address)
        except NotFoundError as refused:
            self._refuse(404, str(refused), fetch, code_form=not token)
            return
        if code and self.get_body_argument("antworten", "") != "1":  # the code was just typed in
            answers = await self._run(self.respondents.earlier, door)
            self._answer(200, self._form(door, answers, None, code))
            return
        await self._save(door, code, fetch)

    async def _door(self, token: str, code: str, address: str) -> Door:
        if token:
            if not self.get_cookie(KEY_COOKIE):
                raise NotFoundError(_("Bitte die Seite neu laden (Cookies müssen erlaubt sein)."))
            return await self._run(self.respondents.by_link, token, self._key())
        tries: CodeTries = self.paces["codes"]
        if tries.blocked(address):
            raise NotFoundError(_("Zu viele falsche Codes. Bitte in zehn Minuten noch einmal versuchen."))
        try:
            return await self._run(self.respondents.by_code, code)
        except NotFoundError:
            tries.failed(address)
            raise

    async def _save(self, door: Door, code: str, fetch: bool) -> None:
        if not self.paces["browser"].allow(door.respondent):
            self._refuse(429, _("Bitte etwas langsamer – Ihre Antworten werden gleich wieder gespeichert."), fetch)
            return
        raw = self._raw_answers(door)
        try:
            await self._run(self.respondents.respond, door, raw)
        except QmkitError as refused:
            if fetch:
                self._json(400, False, str(refused))
            else:
                self._answer(400, self._form(door, raw, ("err", _("Nicht gespeichert: ") + str(refused)), code))
            return
        text = _("✓ gespeichert. Vielen Dank! Sie können Ihre Antworten bis zum Ende der Befragung ändern.")
        if fetch:
            self._json(200, True, text)
        else:
            self._answer(200, self._form(door, raw, ("ok", text), code))

    def _raw_answers(self, door: Door) -> dict[str, Any]:
        from qmkit.domain.survey import QuestionKind

        raw: dict[str, Any] = {}
        for question in door.survey.instrument.questions:
            if question.kind == QuestionKind.MULTIPLE:
                raw[question.id] = self.get_body_arguments(question.id)
            else:
                raw[question.id] = self.get_body_argument(question.id, "")
        return raw

    def _json(self, status: int, ok: bool, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"ok": ok, "text": text}, ensure_ascii=False))

    def _refuse(self, status: int, text: str, fetch: bool, code_form: bool = False) -> None:
        if fetch:
            self._json(status, False, text)
        elif code_form:
            self._answer(status, code_page(self.request.path, self._hidden(), ("err", text)))
        else:
            self._answer(status, message_page(_("Befragung"), text))


def _today() -> Any:
    from datetime import date

    return date.today()


def survey_handlers(base_url: str, store: Callable[[], Store] | None = None) -> list[Any]:
    """The routes of the respondent pages (for the participant server's application); ``store`` gives the
    process's one store (the participant server's by default)."""
    from jupyter_server.utils import url_path_join

    paces = {"address": Pace(REQUESTS_PER_ADDRESS), "browser": Pace(SAVES_PER_BROWSER), "codes": CodeTries()}
    settings = {"store": store or shared_store, "paces": paces}
    return [(url_path_join(base_url, "befragung"), SurveyHandler, settings)]
