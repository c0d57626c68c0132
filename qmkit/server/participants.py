"""The participant server: Voilà on the participant notebook alone, behind :mod:`qmkit.server.join_gate`.

This is the only part of qmkit that ``qmkit serve --host 0.0.0.0`` puts on the network; the QMB's pages
(self-evaluation, planning, workshop facilitation) stay on 127.0.0.1. Voilà's ``prelaunch_hook`` runs before a
kernel starts, so a request without a valid workshop token never costs a kernel. Run as
``python -m qmkit.server.participants <notebook> <voila options>``.
"""

from __future__ import annotations

import sys
from typing import Any

from qmkit.server.join_gate import COOKIE_DAYS, CodeTries, decide
from qmkit.server.shared_store import shared_store

_TRIES = CodeTries()


def gate_hook(handler: Any, notebook: Any = None, cwd: str = "") -> None:
    """Voilà prelaunch hook: answer the request itself unless it carries a valid token and participant key."""
    import tornado.web

    request = handler.request
    query = {k: v[0].decode("utf-8", "replace") for k, v in request.query_arguments.items() if v}
    cookies = {k: m.value for k, m in request.cookies.items()}
    answer = decide(shared_store(), query, cookies, request.remote_ip or "", _TRIES)
    if answer.launch:
        return None
    if answer.cookie:
        name, value = answer.cookie
        path = handler.settings.get("base_url", "/")  # behind JupyterHub: /services/teilnahme/ only
        handler.set_cookie(name, value, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax", path=path)
    handler.set_header("Referrer-Policy", "no-referrer")
    if answer.redirect:
        handler.redirect(answer.redirect, status=answer.status)
    else:
        handler.set_status(answer.status)
        handler.set_header("Content-Type", "text/html; charset=utf-8")
        handler.finish(answer.html)
    raise tornado.web.Finish()


def main(argv: list[str] | None = None) -> None:
    from traitlets.config import Config

    from qmkit.server.app import main as run_voila

    config = Config()
    config.VoilaConfiguration.prelaunch_hook = gate_hook
    config.QmkitVoila.survey_pages = True
    run_voila(sys.argv[1:] if argv is None else argv, config)


if __name__ == "__main__":
    main()
