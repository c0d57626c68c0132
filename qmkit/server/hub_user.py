"""One person's qmkit behind JupyterHub: qmkit's Voilà as the single-user server, logged in through the hub.

JupyterHub's spawner starts ``python -m qmkit.server.hub_user`` for each person with the hub's environment
(``JUPYTERHUB_SERVICE_URL`` where to listen, ``JUPYTERHUB_SERVICE_PREFIX`` = ``/user/<name>/``,
``JUPYTERHUB_USER``, the OAuth client). Every request is checked against the hub (JupyterHub's own identity
provider and authorizer, the ones ``jupyterhub-singleuser`` uses): only the person the server belongs to (and
the hub's admins, if the hub allows them) gets in. The server is Voilà, not Jupyter Server with Lab: there is
no Lab, no contents, terminals or kernel-start API, and Voilà's kernel websocket passes only widget messages (no
``execute_request``), so nobody can run code or read the environment (``QMKIT_DB``'s password) from a page.
The kernels inherit ``JUPYTERHUB_USER``: every service call is made as that person (:mod:`qmkit.services.access`).
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from qmkit.config import NOTEBOOKS_DIR
from qmkit.server.app import main as run_app
from qmkit.server.serve import COLD_PAGES, START_NOTEBOOK, voila_command

IDENTITY = "jupyterhub.singleuser.extension.JupyterHubIdentityProvider"
AUTHORIZER = "jupyterhub.singleuser.extension.JupyterHubAuthorizer"


def hub_user_arguments(environ: dict[str, str], pool_size: int = 0, cull_after: int = 900) -> list[str]:
    """qmkit's Voilà options for one person's server, from the environment the hub's spawner gives it."""
    url = urlparse(environ["JUPYTERHUB_SERVICE_URL"])
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    if not prefix.endswith("/"):
        prefix += "/"
    command = voila_command(url.port or 8888, url.hostname or "127.0.0.1", max(pool_size, 1), cull_after=cull_after)
    if pool_size > 0:  # only the start page waits preheated; the others start their kernel when opened
        cold = {p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")} - {START_NOTEBOOK} - set(COLD_PAGES)
        warm = [f"--VoilaKernelManager.preheat_denylist={name}" for name in sorted(cold)]
    else:  # nothing preheated: each page starts its kernel when opened (memory: the server and open pages only)
        command = [a for a in command if not a.startswith(("--preheat_kernel", "--pool_size", "--VoilaKernelManager"))]
        warm = []
    return [
        *command[3:],  # without "python -m qmkit.server.app"
        *warm,
        f"--Voila.base_url={prefix}",
        f"--Voila.identity_provider_class={IDENTITY}",
        f"--Voila.authorizer_class={AUTHORIZER}",
    ]


def main() -> None:
    pool = int(os.environ.get("QMKIT_HUB_POOL_SIZE", "0"))  # measured: preheating cost 176 MiB per person
    cull = int(os.environ.get("QMKIT_HUB_CULL_AFTER", "900"))
    run_app(hub_user_arguments(dict(os.environ), pool, cull))


if __name__ == "__main__":
    main()
