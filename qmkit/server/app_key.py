"""The app server's key: on a machine that several people use (a terminal server) only the person who started
``qmkit serve`` opens its pages – the way Jupyter does it: a random key in the link that ``qmkit serve`` prints,
then a cookie.

The key lives in the data folder (``zugang.key``, readable only by its owner), so a bookmark of the link keeps
working after a restart; ``qmkit serve`` passes it to the app server in the environment (a command line is
visible to every user of the machine, an environment is not). The participant server and JupyterHub's servers
have no key: participants open their workshop or survey with its own code, the hub logs people in itself.
"""

from __future__ import annotations

import hmac
import inspect
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from qmkit.i18n import _, language

ENV = "QMKIT_APP_KEY"
FILE = "zugang.key"
QUERY = "token"  # the name Jupyter uses: people who know Jupyter recognise the link
COOKIE = "qmkit-zugang-{port}"  # one per port: two people's servers on one machine keep their own cookies


def app_key(folder: Path) -> str:
    """The key of the data folder ``folder``, made (random, 0600) on first use."""
    path = folder / FILE
    try:
        found = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        found = ""
    if len(found) >= 24:
        return found
    key = secrets.token_urlsafe(24)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key


def link_with_key(url: str, key: str) -> str:
    """``url`` with the key in its query string (the link ``qmkit serve`` prints)."""
    return url + ("&" if "?" in url else "?") + urlencode({QUERY: key})


REFUSED_PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>qmkit</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<main><h1>{title}</h1><p>{text}</p></main></body></html>"""


def refused_html() -> str:
    return REFUSED_PAGE.format(
        lang=language(),
        title=_("Bitte den Link mit dem Zugangsschlüssel öffnen"),
        text=_(
            "Diese qmkit-Seiten sind geschützt, damit andere Personen an diesem Rechner sie nicht öffnen. "
            "Den Link mit dem Schlüssel zeigt „qmkit serve“ beim Start im Fenster der Eingabeaufforderung; "
            "er steht auch in der Datei zugang.key im Datenordner (als ?token=… an die Adresse anhängen). "
            "Danach merkt sich der Browser den Zugang."
        ),
    )


class KeyGate:
    """A mixin for every handler of the app server: the key from the link once, then its cookie; else a German 403."""

    async def prepare(self) -> None:
        handler: Any = self
        key = os.environ.get(ENV, "")
        if key and not _admitted(handler, key):
            if not handler._finished:  # (after the key came in the link, the redirect has answered)
                handler.set_status(403)
                handler.set_header("Content-Type", "text/html; charset=utf-8")
                handler.finish(refused_html())
            return
        result = super().prepare()  # type: ignore[misc]
        if inspect.isawaitable(result):
            await result


def _cookie_name(handler: Any) -> str:
    port = handler.request.host.rsplit(":", 1)[-1] if ":" in handler.request.host else "80"
    return COOKIE.format(port=port)


def _admitted(handler: Any, key: str) -> bool:
    name = _cookie_name(handler)
    cookie = handler.get_cookie(name) or ""
    if cookie and hmac.compare_digest(cookie, key):
        return True
    given = handler.get_query_argument(QUERY, "")
    if not (given and hmac.compare_digest(given, key)):
        return False
    handler.set_cookie(name, key, httponly=True, samesite="Strict", path="/")
    if handler.request.method == "GET" and not handler.request.headers.get("Upgrade"):
        # the key leaves the address (history, screenshots): the same page again, without it
        rest = [(k, v) for k, v in parse_qsl(handler.request.query, keep_blank_values=True) if k != QUERY]
        handler.redirect(handler.request.path + ("?" + urlencode(rest) if rest else ""))
        return False
    return True


def gated(handlers: list[Any]) -> list[Any]:
    """The route list with every handler behind :class:`KeyGate` (a subclass per handler class, made once).

    Except Voilà's request-info websocket (``/voila/query/<kernel id>``): the page's own kernel opens it, without
    the browser's cookie, to learn the address it was opened with (``?zyklus=…``); it answers only to a kernel id.
    """
    from voila.request_info_handler import RequestInfoSocketHandler

    made: dict[type, type] = {}
    out = []
    for path, kind, *rest in handlers:
        if isinstance(kind, type) and issubclass(kind, RequestInfoSocketHandler):
            out.append((path, kind, *rest))
            continue
        if kind not in made:
            made[kind] = type(f"Keyed{kind.__name__}", (KeyGate, kind), {})
        out.append((path, made[kind], *rest))
    return out
