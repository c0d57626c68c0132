"""qmkit's Voilà: the template ``qmkit`` (nothing from outside the machine), ``/`` leading to the start page, hidden
notebooks neither listed nor served, and a guarded kernel pool.

Run as ``python -m qmkit.server.app <notebooks> <voila options>`` (see :func:`qmkit.server.serve.voila_command`);
the participant server (:mod:`qmkit.server.participants`) runs the same application with qmkit's own pages only
(no notebook, no kernel). Voilà is
imported only when the server starts (:func:`qmkit_voila`): the rest of qmkit imports without it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from qmkit.config import PRIVATE_UMASK
from qmkit.logs import redact_every_handler
from qmkit.server.app_key import ENV as APP_KEY
from qmkit.server.app_key import gated
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
    """The application class: Voilà with qmkit's entry page, hidden notebooks, guarded kernel pool and handlers
    (:mod:`qmkit.server.handlers`)."""
    from traitlets import Bool, List, Unicode
    from voila import app as voila_app

    from qmkit.server.handlers import qmkit_handlers

    class QmkitVoila(voila_app.Voila):
        name = "qmkit-voila"
        start_page = Unicode("", config=True, help="Notebook that / leads to (directory mode only).")
        hidden_pages = List(Unicode(), config=True, help="Notebooks of the folder that this server does not serve.")
        participant_pages = Bool(
            False, config=True, help="Serve only the workshop participants' and survey respondents' pages."
        )

        def initialize(self, argv: Any = None) -> None:
            super().initialize(argv)
            redact_every_handler()  # the handlers exist now: no token, code or key in any line

        def init_settings(self) -> dict[str, Any]:
            with _guarded_pool(voila_app):
                return dict(super().init_settings())

        def init_handlers(self) -> list[Any]:
            handlers = qmkit_handlers(self, super().init_handlers())
            if self.participant_pages or not os.environ.get(APP_KEY):
                return handlers
            return gated(handlers)  # `qmkit serve`'s app server: only with the key from its link

    return QmkitVoila


def main(argv: list[str] | None = None, config: Any = None) -> None:
    os.umask(PRIVATE_UMASK)  # kernels inherit it; ``qmkit serve`` sets it too, the hub's spawner does not
    use_template_root()
    redact_every_handler()
    qmkit_voila().launch_instance(argv=sys.argv[1:] if argv is None else argv, config=config)


if __name__ == "__main__":
    main()
