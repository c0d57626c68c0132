"""The participant server: workshop participants and survey respondents, answered by qmkit's own request handlers.

This is the only part of qmkit that ``qmkit serve --host 0.0.0.0`` puts on the network; the QMB's pages
(self-evaluation, planning, workshop facilitation) stay on 127.0.0.1. It runs qmkit's Voilà application (logging,
base URL behind JupyterHub, cookies) with none of Voilà's routes (:func:`qmkit.server.handlers.participant_handlers`):
no notebook is served and no request starts a kernel – a participant costs a few kilobytes, not a kernel.
Run as ``python -m qmkit.server.participants <voila options>``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from traitlets.config import Config

    from qmkit.server.app import main as run_voila

    config = Config()
    config.QmkitVoila.participant_pages = True
    run_voila(sys.argv[1:] if argv is None else argv, config)


if __name__ == "__main__":
    main()
