"""The request handlers of qmkit's Voilà (imported only when a server starts, see :mod:`qmkit.server.app`).

- ``/`` and Voilà's file list lead to the start page; the contents API answers 404.
- The page handler refuses hidden notebooks and sets the ``_xsrf`` cookie that the page's shutdown on closing needs.
- The template files handler answers a malformed or escaping path (``lab/static/..%2f..%2fapp.py``) with 404;
  Voilà's own split it blindly and answered with HTTP 500 and a traceback in the log.
- Jupyter's log-in and log-out pages (``/login``, ``/logout``) are not offered by qmkit's own servers: they
  crashed with HTTP 500 (Voilà has no static path for their template) and there is nothing to log out of.
- The participant server (``participant_pages``) answers only with qmkit's own pages – the workshop participants'
  at ``/`` (where join links and QR codes point), the survey respondents' at ``/befragung`` – and a German 404 for
  everything else: none of Voilà's routes is there, so no request can start a kernel.
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.utils import url_path_join
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from qmkit.server.refusals import NotHere, ToStartPage, answer_not_found, is_hidden


class QmkitRenderHandler(TornadoVoilaHandler):
    """Voilà's page handler, refusing the notebooks in ``hidden``; each page gets the ``_xsrf`` cookie.

    On closing or leaving, a page posts to ``/voila/api/shutdown/<kernel>`` with the value of its ``_xsrf``
    cookie, but Voilà's page handler never set that cookie: the request was refused (403) and the kernel kept
    running until the idle cull. With the cookie the shutdown passes the XSRF check and the kernel ends at once.
    """

    def initialize(self, **kwargs: Any) -> None:
        self.hidden = {name.casefold() for name in kwargs.pop("hidden", ())}
        super().initialize(**kwargs)

    async def get(self, path: str | None = None) -> None:
        if is_hidden(path, self.hidden):
            answer_not_found(self)
            return
        _ = self.xsrf_token  # sets the _xsrf cookie (before the page streams) unless the browser has one
        await super().get(path)


class TemplateFiles(TemplateStaticFileHandler):
    """Voilà's template files (``<template>/static/<file>``); any other shape of path is a plain 404."""

    def parse_url_path(self, url_path: str) -> str:
        parts = url_path.split("/")
        if len(parts) < 3 or parts[1] != "static" or "\\" in url_path or any(p in ("", ".", "..") for p in parts):
            raise tornado.web.HTTPError(404)
        return str(super().parse_url_path(url_path))


def qmkit_handlers(app: Any, handlers: list[Any]) -> list[Any]:
    """Voilà's handler list with qmkit's handlers in place of Voilà's (see the module's text)."""
    # Voilà adds the identity provider's handlers (behind JupyterHub: /oauth_callback, /logout) without its base
    # URL; the hub sends people to /user/<name>/oauth_callback.
    own = {h[0] for h in app.identity_provider.get_handlers()} if app.base_url != "/" else set()
    handlers = [(url_path_join(app.base_url, h[0]), *h[1:]) if h[0] in own else h for h in handlers]
    handlers = _replaced(app, handlers)
    if getattr(app, "participant_pages", False):
        return participant_handlers(app.base_url)
    if app.notebook_path:  # one notebook: Voilà answers every address with it
        return handlers
    base = app.server_url
    ours: list[Any] = [(url_path_join(base, r"/voila/api/contents(?:/.*)?"), NotHere)]
    if app.start_page:
        target = {"target": url_path_join(base, "voila/render", app.start_page)}
        ours += [(base, ToStartPage, target), (url_path_join(base, r"/voila/tree(?:/.*)?"), ToStartPage, target)]
    return ours + handlers  # tornado takes the first matching route


def participant_handlers(base_url: str) -> list[Any]:
    """The participant server's whole route list: workshop and survey pages, a German 404 for any other address."""
    from qmkit.server.survey_pages import survey_handlers
    from qmkit.server.workshop_pages import workshop_handlers

    return [*workshop_handlers(base_url), *survey_handlers(base_url), (url_path_join(base_url, r"/.*"), NotHere)]


def _replaced(app: Any, handlers: list[Any]) -> list[Any]:
    own_login = isinstance(app.identity_provider, PasswordIdentityProvider)  # not behind JupyterHub
    refused = {h[0] for h in app.identity_provider.get_handlers()} if own_login else set()
    hidden = {"hidden": [] if app.notebook_path else list(app.hidden_pages)}
    replaced: list[Any] = []
    for handler in handlers:
        path, kind, *rest = handler
        if path in refused:
            replaced.append((path, NotHere))
        elif kind is TemplateStaticFileHandler:
            replaced.append((path, TemplateFiles, *rest))
        elif kind is TornadoVoilaHandler:
            replaced.append((path, QmkitRenderHandler, {**(rest[0] if rest else {}), **hidden}))
        else:
            replaced.append(handler)
    return replaced
