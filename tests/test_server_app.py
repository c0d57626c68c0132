"""qmkit's Voilà without a server: the template is found and packaged, the command lines use it, hidden pages are
recognised however they are spelled, and the pool guard drops a kernel that died (issue 12)."""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from qmkit.server.app import TEMPLATE, TEMPLATE_ROOT, use_template_root
from qmkit.server.kernels import pool_guard
from qmkit.server.refusals import is_hidden
from qmkit.server.serve import join_command, voila_command

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE


def test_voila_finds_the_template_derived_from_lab(monkeypatch):
    environ = {"JUPYTER_PATH": "/somewhere/else"}
    use_template_root(environ)
    use_template_root(environ)  # twice: still once on the path
    assert environ["JUPYTER_PATH"].split(":") == [str(TEMPLATE_ROOT), "/somewhere/else"]
    monkeypatch.setenv("JUPYTER_PATH", environ["JUPYTER_PATH"])
    from voila.paths import collect_template_paths

    paths = collect_template_paths(["voila", "nbconvert"], TEMPLATE, prune=True)
    assert paths[0] == str(TEMPLATE_DIR)
    assert any(p.endswith("voila/templates/lab") for p in paths)


def test_template_links_nothing_outside():
    files = sorted(p for p in TEMPLATE_DIR.iterdir() if p.is_file())
    assert {p.name for p in files} == {"conf.json", "index.html.j2", "page.html"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path.name


def test_template_is_package_data():
    """A normal install (wheel) carries the template: pyproject's package data covers every file of it."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["qmkit"]
    package = ROOT / "qmkit"
    for path in TEMPLATE_DIR.iterdir():
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_command_lines_use_qmkit_voila_and_template(tmp_path: Path):
    app = voila_command(8866, "127.0.0.1")
    assert app[1:3] == ["-m", "qmkit.server.app"] and "--template=qmkit" in app
    assert "--QmkitVoila.start_page=Start.ipynb" in app
    bare = voila_command(8866, "127.0.0.1", notebooks=tmp_path)  # a folder without a start page keeps its list
    assert not any(arg.startswith("--QmkitVoila.start_page") for arg in bare)
    join = join_command(8867, "0.0.0.0")
    assert join[1:3] == ["-m", "qmkit.server.participants"] and "--template=qmkit" in join
    assert not any(arg.endswith(".ipynb") for arg in join)  # no notebook: the participant server starts no kernel


@pytest.mark.parametrize(
    ("path", "hidden"),
    [
        ("Teilnahme.ipynb", True),
        ("./Teilnahme.ipynb", True),
        ("/Teilnahme.ipynb", True),
        ("sub/../Teilnahme.ipynb", True),
        ("teilnahme.IPYNB", True),
        ("Start.ipynb", False),
        ("Teilnahme.ipynb.bak", False),
        (None, False),
    ],
)
def test_hidden_page_however_spelled(path, hidden):
    assert is_hidden(path, {"teilnahme.ipynb"}) is hidden


class FakePool:
    """The parts of Voilà's VoilaKernelManager the guard uses."""

    def __init__(self, **_kwargs):
        self.log = logging.getLogger("test-pool")
        self._pools: dict[str, list] = {}
        self.kernels: dict[str, SimpleNamespace] = {}
        self.shut_down: list[str] = []
        self.fills: list[str] = []

    def get_kernel(self, kernel_id):
        return self.kernels[kernel_id]

    def fill_if_needed(self, delay=None, notebook_name=None, **_kwargs):
        self.fills.append(notebook_name)
        pool = self._pools.setdefault(notebook_name, [])
        while len(pool) < 1:
            pool.append(asyncio.ensure_future(asyncio.sleep(3600)))  # a kernel still starting

    def get_pool_size(self, notebook_name):
        return len(self._pools.get(notebook_name, []))

    async def shutdown_kernel(self, kernel_id, now=False):
        self.shut_down.append(kernel_id)


def test_guard_drops_a_pool_kernel_whose_process_died():
    async def scenario():
        manager = pool_guard(FakePool)()
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        manager.kernels["k1"] = SimpleNamespace(provisioner=SimpleNamespace(process=sleeper))
        render = asyncio.ensure_future(asyncio.sleep(3600))  # blocked in wait_for_request
        entry = asyncio.get_running_loop().create_future()
        manager._pools["Start.ipynb"] = [entry]
        manager.fill_if_needed(notebook_name="Start.ipynb")  # the guard starts watching the entry
        entry.set_result({"kernel_id": "k1", "task": render, "renderer": None})
        await asyncio.sleep(0)  # the entry's done callback notes the kernel's process
        assert manager.get_pool_size("Start.ipynb") == 1 and manager._pools["Start.ipynb"] == [entry]

        sleeper.kill()
        sleeper.wait()
        assert manager.get_pool_size("Start.ipynb") == 1  # a fresh entry, not the dead one
        assert entry not in manager._pools["Start.ipynb"]
        await asyncio.sleep(0.01)
        assert manager.shut_down == ["k1"] and render.cancelled()
        for task in manager._pools["Start.ipynb"]:
            task.cancel()

    asyncio.run(scenario())


def test_guard_drops_a_pool_kernel_restarted_under_the_same_id():
    """jupyter_server's restarter replaces a dead kernel's process but keeps the id: the entry is stale."""

    async def scenario():
        manager = pool_guard(FakePool)()
        first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        second = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        kernel = SimpleNamespace(provisioner=SimpleNamespace(process=first))
        manager.kernels["k1"] = kernel
        entry = asyncio.get_running_loop().create_future()
        entry.set_result({"kernel_id": "k1", "task": asyncio.ensure_future(asyncio.sleep(3600)), "renderer": None})
        manager._pools["Start.ipynb"] = [entry]
        manager.fill_if_needed(notebook_name="Start.ipynb")
        await asyncio.sleep(0)
        kernel.provisioner.process = second  # restarted: alive, but blank
        try:
            assert manager.get_pool_size("Start.ipynb") == 1 and entry not in manager._pools["Start.ipynb"]
        finally:
            for process in (first, second):
                process.kill()
                process.wait()
        for task in manager._pools["Start.ipynb"]:
            task.cancel()

    asyncio.run(scenario())


def test_a_persons_server_behind_the_hub():
    """Behind JupyterHub: the hub's address and prefix, its log-in for every request, only the start page warm."""
    from qmkit.server.hub_user import hub_user_arguments

    env = {"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:40123/user/anna/", "JUPYTERHUB_SERVICE_PREFIX": "/user/anna/"}
    assert not [a for a in hub_user_arguments(env) if "preheat" in a or "pool_size" in a]  # default: no pool
    args = hub_user_arguments(env, pool_size=1)
    assert "--port=40123" in args and "--Voila.ip=127.0.0.1" in args
    assert "--Voila.base_url=/user/anna/" in args
    assert "--Voila.identity_provider_class=jupyterhub.singleuser.extension.JupyterHubIdentityProvider" in args
    assert "--Voila.authorizer_class=jupyterhub.singleuser.extension.JupyterHubAuthorizer" in args
    cold = {a.split("=", 1)[1] for a in args if a.startswith("--VoilaKernelManager.preheat_denylist=")}
    pages = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert pages - cold == {"Start.ipynb"}


def test_kubernetes_values_start_what_the_hub_test_starts():
    """The Helm values (not run here: no Kubernetes) name the same server module and settings as the tested hub."""
    import importlib

    import yaml

    values = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "values.yaml").read_text(encoding="utf-8"))
    cmd = values["singleuser"]["cmd"]
    assert cmd[:2] == ["python", "-m"] and importlib.util.find_spec(cmd[2]) is not None
    assert cmd[2] == "qmkit.server.hub_user"
    env = values["singleuser"]["extraEnv"]
    assert {"QMKIT_DB", "QMKIT_DATA", "QMKIT_HUB_POOL_SIZE"} <= set(env)
    assert "secretKeyRef" in env["QMKIT_DB"]["valueFrom"]  # the password never in the values file
    assert values["cull"]["enabled"] is True
