"""JupyterHub for qmkit: each person logs in and gets a qmkit server of their own (Voilà only, no Lab).

``qmkit hub`` starts JupyterHub with this file for a trial on one machine; for a real installation copy it and
change the authenticator (see ``deploy/README.md``). Everything is read from the environment:

- ``QMKIT_HUB_IP`` / ``QMKIT_HUB_PORT``: where people connect (default 127.0.0.1:8000; 127.0.0.1 until asked).
- ``QMKIT_HUB_API_PORT`` / ``QMKIT_HUB_PROXY_API_PORT``: the hub's and the proxy's internal ports (loopback).
- ``QMKIT_HUB_DIR``: the hub's own state (its SQLite, cookie secret), default ``<QMKIT_DATA>/hub``.
- ``QMKIT_HUB_TRIAL_PASSWORD``: the trial log-in (any name, this password). Without it the hub does not start.
- ``QMKIT_HUB_JOIN_PORT``: the workshop participant service's internal port (loopback; default 8867).
- ``QMKIT_HUB_PUBLIC_URL``: the address people use (for join links and QR codes), default ``http://IP:PORT``.
- ``QMKIT_DB`` and the other ``QMKIT_*`` settings go to every person's server (not readable from a page).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

data = Path(os.environ.get("QMKIT_DATA", "data")).resolve()
hub_dir = Path(os.environ.get("QMKIT_HUB_DIR", data / "hub")).resolve()
hub_dir.mkdir(parents=True, exist_ok=True)

c.JupyterHub.ip = os.environ.get("QMKIT_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("QMKIT_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("QMKIT_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('QMKIT_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = str(hub_dir / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(hub_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(hub_dir / "jupyterhub.pid")
c.JupyterHub.shutdown_on_logout = False
# The hub's own pages in German (log-in, "wird gestartet"); the rest comes from JupyterHub's templates.
c.JupyterHub.template_paths = [str(Path(__file__).resolve().parent / "templates")]

# Each person's server: qmkit's Voilà behind the hub's log-in (qmkit/server/hub_user.py).
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.Spawner.cmd = [sys.executable, "-m", "qmkit.server.hub_user"]
c.Spawner.default_url = "/"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.Spawner.env_keep = [
    "PATH",
    "LANG",
    "QMKIT_DB",
    "QMKIT_DATA",
    "QMKIT_EXPORTS",
    "QMKIT_STANDARDS",
    "QMKIT_EVIDENCE_MAX_MB",
    "QMKIT_LANG",
    "QMKIT_JOIN_URL",
    "QMKIT_HUB_POOL_SIZE",
    "QMKIT_HUB_CULL_AFTER",
    "JUPYTER_PATH",
]
c.SimpleLocalProcessSpawner.home_dir_template = str(hub_dir / "home" / "{username}")
# On stop (the hub's shutdown, the culler) qmkit's servers end on SIGTERM; SIGINT's 10 s default wait only delays.
c.LocalProcessSpawner.interrupt_timeout = 1
c.LocalProcessSpawner.term_timeout = 10

# Log-in. The trial: any name with the trial password; qmkit shows only institutions the name has a role in
# (`qmkit user grant`), and a name qmkit does not know gets a German refusal. For a real installation use an
# identity provider (deploy/README.md: OAuth / OpenID Connect, e.g. Keycloak).
password = os.environ.get("QMKIT_HUB_TRIAL_PASSWORD", "")
if not password:
    sys.exit("QMKIT_HUB_TRIAL_PASSWORD fehlt: ohne Passwort startet der Probebetrieb nicht (qmkit hub setzt es).")
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = password
c.Authenticator.allow_all = True

# Workshop participants: qmkit's participant server as a hub service at /services/teilnahme/, public (no hub
# log-in: a participant has only the workshop's join link or code; the join gate checks it; no kernel starts).
from qmkit.server.serve import join_command  # noqa: E402

JOIN_PREFIX = "/services/teilnahme/"
join_port = int(os.environ.get("QMKIT_HUB_JOIN_PORT", "8867"))
public = os.environ.get("QMKIT_HUB_PUBLIC_URL", f"http://{c.JupyterHub.ip}:{c.JupyterHub.port}").rstrip("/")
qmkit_env = {k: v for k, v in os.environ.items() if k.startswith("QMKIT_") and not k.startswith("QMKIT_HUB_")}
qmkit_env["QMKIT_JOIN_URL"] = public + JOIN_PREFIX
services = [
    {
        "name": "teilnahme",
        "url": f"http://127.0.0.1:{join_port}",
        "command": [*join_command(join_port, "127.0.0.1"), f"--Voila.base_url={JOIN_PREFIX}"],
        "environment": qmkit_env,
    }
]
c.Spawner.environment = {"QMKIT_JOIN_URL": qmkit_env["QMKIT_JOIN_URL"]}  # join links and QR codes

# Idle servers end after an hour without activity (jupyterhub-idle-culler, if installed).
try:
    import jupyterhub_idle_culler  # noqa: F401

    services.append(
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"],
        }
    )
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
except ImportError:
    pass
c.JupyterHub.services = services
