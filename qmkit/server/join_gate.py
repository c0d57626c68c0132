"""The door of the workshop participant page (:mod:`qmkit.server.workshop_pages`): decides per request what a
visitor gets before anything of a workshop is shown.

Without a valid workshop token a visitor sees a small form for the join code (wrong codes paced per address) or a
German refusal. With a valid token the browser gets a participant key, kept in a cookie for this workshop and in
the address, so a reload or a reopened link continues with the same answers. Plain functions (no tornado), so the
tests can call them directly.
"""

from __future__ import annotations

import html
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlencode

from qmkit.domain.text import clean_text
from qmkit.domain.workshop import new_token, valid_key
from qmkit.errors import NotFoundError, QmkitError
from qmkit.i18n import N_, _, language
from qmkit.services.workshop import workshop_by_code, workshop_for_participant
from qmkit.store import Store

COOKIE_DAYS = 7
MAX_CODE_TRIES = 10  # wrong join codes per address ...
TRY_WINDOW = 600.0  # ... within this many seconds


@dataclass(frozen=True)
class GateAnswer:
    """What the server sends before the page (``html``/``redirect``), or nothing (show the participant page)."""

    status: int = 200
    html: str | None = None
    redirect: str | None = None
    cookie: tuple[str, str] | None = None

    @property
    def launch(self) -> bool:
        return self.html is None and self.redirect is None


class CodeTries:
    """Wrong join codes per client address, to make guessing codes slow."""

    def __init__(self, limit: int = MAX_CODE_TRIES, window: float = TRY_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}

    def blocked(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tries = self._seen.get(client)
        while tries and now - tries[0] > self.window:
            tries.popleft()
        return tries is not None and len(tries) >= self.limit

    def failed(self, client: str, now: float | None = None) -> None:
        self._seen.setdefault(client, deque()).append(time.monotonic() if now is None else now)
        if len(self._seen) > 10_000:  # never grow without bound
            self._seen.pop(next(iter(self._seen)))


def cookie_name(workshop_id: int) -> str:
    return f"qmkit_ws{int(workshop_id)}"


def _page(title: str, body: str) -> str:
    """A small self-contained German page (no scripts), readable on a 360 px phone."""
    return (
        f'<!DOCTYPE html><html lang="{language()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:0;padding:16px;color:#1f2328;max-width:520px}"
        "h1{font-size:1.4em}input{font-size:1.4em;width:9em;letter-spacing:.15em;text-transform:uppercase;"
        "padding:6px}button{font-size:1.1em;padding:8px 16px;margin-top:10px;background:#1f4e79;color:#fff;"
        "border:0;border-radius:4px}.err{background:#fdecea;border-left:4px solid #b42318;padding:6px 10px}"
        "</style></head><body>"
        f"<main><h1>{_esc(title)}</h1>{body}</main></body></html>"
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def code_form(message: str = "") -> str:
    """The page for a visitor without a link: enter the join code shown by the facilitator."""
    problem = f'<p class="err" role="alert">{_esc(message)}</p>' if message else ""
    return _page(
        _("Workshop beitreten"),
        problem
        + "<p>"
        + _esc(_("Bitte den Beitrittscode eingeben, den die Moderation zeigt, oder den QR-Code scannen."))
        + '</p><form method="get" action=""><label>'
        + _esc(_("Beitrittscode"))
        + '<br><input name="code" maxlength="12" autocomplete="off" autocapitalize="characters" required></label>'
        + '<br><button type="submit">'
        + _esc(_("Beitreten"))
        + "</button></form>",
    )


def decide(store: Store, query: dict[str, str], cookies: dict[str, str], client: str, tries: CodeTries) -> GateAnswer:
    """The answer to one request for the participant page (``query``: its arguments, first value each)."""
    token = query.get("t", "")
    if not token:
        code = query.get("code", "")
        if not code:
            return GateAnswer(html=code_form())
        if tries.blocked(client):
            return GateAnswer(
                429,
                code_form(_("Zu viele falsche Codes. Bitte in zehn Minuten erneut versuchen oder den Link nutzen.")),
            )
        try:
            workshop = workshop_by_code(store, clean_text(code, "code", limit=20, label=N_("Code")))
        except QmkitError as exc:
            tries.failed(client)
            return GateAnswer(404, code_form(str(exc)))
        return GateAnswer(303, redirect="?" + urlencode({"t": workshop.token}))
    try:
        workshop = workshop_for_participant(store, token)
    except NotFoundError as exc:
        return GateAnswer(403, code_form(str(exc)))
    key = query.get("p", "")
    if valid_key(key):
        return GateAnswer()
    kept = cookies.get(cookie_name(workshop.id), "")
    key = kept if valid_key(kept) else new_token()
    return GateAnswer(303, redirect="?" + urlencode({"t": token, "p": key}), cookie=(cookie_name(workshop.id), key))
