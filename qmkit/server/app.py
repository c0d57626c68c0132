"""qmkit's Voilà: the template ``qmkit`` (nothing from outside the machine), ``/`` leading to the start page, the
participant notebook neither listed nor served on the app server, and a guarded kernel pool.

Run as ``python -m qmkit.server.app <notebooks> <voila options>`` (see :func:`qmkit.server.serve.voila_command`);
the participant server (:mod:`qmkit.server.participants`) runs the same application on one notebook. Voilà is
imported only when the server starts (:func:`qmkit_voila`): the rest of qmkit imports without it.
"""

from __future__ import annotations

import os
import posixpath
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import tornado.web

from qmkit.config import PRIVATE_UMASK
from qmkit.i18n import _
from qmkit.logs import redact_every_handler
from qmkit.server.kernels import guarded_factory

# Voilà looks for templates in <Jupyter data folder>/voila/templates/<name>; qmkit ships one such folder inside
# the package (package data), so it is found the same way after ``pip install -e .`` and a normal install.
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
TEMPLATE = "qmkit"


def use_template_root(environ: Any = os.environ) -> None:
    """Put qmkit's Jupyter data folder first on ``JUPYTER_PATH`` (Voilà reads it when it collects templates)."""
    ours = str(TEMPLATE_ROOT)
    others = [p for p in environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != ours]
    environ["JUPYTER_PATH"] = os.pathsep.join([ours, *others])


def not_found_page() -> str:
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>qmkit</title></head>'
        '<body style="font-family:system-ui,sans-serif;padding:16px">'
        f"<h1>{_('Diese Seite gibt es hier nicht.')}</h1>"
        f'<p><a href="/">{_("Zur Startseite")}</a></p></body></html>'
    )


def is_hidden(path: str | None, hidden: set[str]) -> bool:
    """Whether a page path (decoded, as tornado passes it) names one of the ``hidden`` notebooks."""
    return path is not None and posixpath.normpath("/" + path).lstrip("/").casefold() in hidden


class ToStartPage(tornado.web.RequestHandler):
    """``/`` and Voilà's file list lead to the start page."""

    def initialize(self, target: str) -> None:
        self.target = target

    def get(self, *_args: str) -> None:
        self.redirect(self.target)

    def head(self, *_args: str) -> None:
        self.redirect(self.target)


def answer_not_found(handler: tornado.web.RequestHandler) -> None:
    handler.set_status(404)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.finish(not_found_page())


class NotHere(tornado.web.RequestHandler):
    """A German 404 for addresses the app server does not offer (listings, the participant notebook)."""

    def prepare(self) -> None:
        answer_not_found(self)


@contextmanager
def _guarded_pool(voila_app: Any) -> Iterator[None]:
    """Voilà 0.5 builds its kernel pool class from a module-level factory inside ``init_settings`` and has no
    setting for a subclass: swap in :func:`guarded_factory` for that one call."""
    original = voila_app.voila_kernel_manager_factory
    voila_app.voila_kernel_manager_factory = guarded_factory
    try:
        yield
    finally:
        voila_app.voila_kernel_manager_factory = original


@lru_cache(maxsize=1)
def qmkit_voila() -> Any:
    """The application class: Voilà with qmkit's entry page, hidden notebooks and guarded kernel pool."""
    from jupyter_server.utils import url_path_join
    from traitlets import List, Unicode
    from voila import app as voila_app
    from voila.tornado.handler import TornadoVoilaHandler

    class QmkitRenderHandler(TornadoVoilaHandler):
        """Voilà's page handler, refusing the notebooks in ``hidden``."""

        def initialize(self, **kwargs: Any) -> None:
            self.hidden = {name.casefold() for name in kwargs.pop("hidden", ())}
            super().initialize(**kwargs)

        async def get(self, path: str | None = None) -> None:
            if is_hidden(path, self.hidden):
                answer_not_found(self)
                return
            await super().get(path)

    class QmkitVoila(voila_app.Voila):
        name = "qmkit-voila"
        start_page = Unicode("", config=True, help="Notebook that / leads to (directory mode only).")
        hidden_pages = List(Unicode(), config=True, help="Notebooks of the folder that this server does not serve.")

        def initialize(self, argv: Any = None) -> None:
            super().initialize(argv)
            redact_every_handler()  # the handlers exist now: no token, code or key in any line

        def init_settings(self) -> dict[str, Any]:
            with _guarded_pool(voila_app):
                return dict(super().init_settings())

        def init_handlers(self) -> list[Any]:
            handlers: list[Any] = super().init_handlers()
            # Voilà adds the identity provider's handlers (behind JupyterHub: /oauth_callback, /logout) without
            # its base URL; the hub sends people to /user/<name>/oauth_callback.
            own = {h[0] for h in self.identity_provider.get_handlers()} if self.base_url != "/" else set()
            handlers = [(url_path_join(self.base_url, h[0]), *h[1:]) if h[0] in own else h for h in handlers]
            if self.notebook_path:  # one notebook: Voilà answers every address with it
                return handlers
            hidden = {"hidden": list(self.hidden_pages)}
            handlers = [
                (h[0], QmkitRenderHandler, {**h[2], **hidden}) if h[1] is TornadoVoilaHandler else h for h in handlers
            ]
            base = self.server_url
            ours: list[Any] = [(url_path_join(base, r"/voila/api/contents(?:/.*)?"), NotHere)]
            if self.start_page:
                target = {"target": url_path_join(base, "voila/render", self.start_page)}
                ours += [
                    (base, ToStartPage, target),
                    (url_path_join(base, r"/voila/tree(?:/.*)?"), ToStartPage, target),
                ]
            return ours + handlers  # tornado takes the first matching route

    return QmkitVoila


def main(argv: list[str] | None = None, config: Any = None) -> None:
    os.umask(PRIVATE_UMASK)  # kernels inherit it; ``qmkit serve`` sets it too, the hub's spawner does not
    use_template_root()
    redact_every_handler()
    qmkit_voila().launch_instance(argv=sys.argv[1:] if argv is None else argv, config=config)


if __name__ == "__main__":
    main()
