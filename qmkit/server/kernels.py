"""Voilà's pool of preheated kernels, guarded: a pool kernel that died is never handed out.

Voilà 0.5 hands out the next pool entry without looking at its kernel. After a pool kernel died (``kill -9``,
out of memory) the next visitor of that page waited for the output timeout (61 s) and saw Voilà's English
"An exception occurred at the server"; jupyter_server's restarter even starts a blank kernel under the same id,
so "is the kernel alive?" alone is not enough. The guard remembers each pool kernel's process when it entered
the pool; before a page takes a pool entry (and at every culling round) entries whose process ended or was
replaced are dropped, their kernels shut down and the pool refilled.

Voilà builds its pool class inside ``Voila.init_settings`` from ``voila_kernel_manager_factory`` (there is no
setting for a subclass); :func:`guarded_factory` wraps that factory and :class:`qmkit.server.app.QmkitVoila`
uses it.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any


def guarded_factory(base_class: Any, preheat_kernel: bool, default_pool_size: int, page_config_hook: Any = None) -> Any:
    """Voilà's factory, with the pool class wrapped by :func:`pool_guard` when kernels are preheated."""
    from voila.voila_kernel_manager import voila_kernel_manager_factory  # only in the server process

    made = voila_kernel_manager_factory(base_class, preheat_kernel, default_pool_size, page_config_hook)
    return pool_guard(made) if preheat_kernel else made


def kernel_pid(manager: Any, kernel_id: str) -> int | None:
    """The process id of a running kernel; ``None`` when it is unknown, not started or has ended."""
    try:
        kernel = manager.get_kernel(kernel_id)
    except KeyError:
        return None
    process = getattr(kernel.provisioner, "process", None)
    if process is None or process.poll() is not None:  # poll() also reaps a killed kernel
        return None
    return int(process.pid)


class PoolGuard:
    """Mixed into Voilà's ``VoilaKernelManager``: checks pool entries before handing them out."""

    _pools: dict[str, list[asyncio.Task[Any]]]
    log: Any
    shutdown_kernel: Any

    def _base(self) -> Any:
        """Voilà's manager behind this mixin (typed loosely: Voilà has no type hints)."""
        return super()

    def __init__(self, **kwargs: Any) -> None:
        self._pool_pids: dict[str, int] = {}
        self._watched: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self._shutdowns: set[asyncio.Task[None]] = set()
        self._base().__init__(**kwargs)

    def fill_if_needed(self, *args: Any, **kwargs: Any) -> None:
        self._base().fill_if_needed(*args, **kwargs)
        for pool in self._pools.values():
            for task in pool:
                if task not in self._watched:
                    self._watched.add(task)
                    task.add_done_callback(self._remember)

    def _remember(self, task: asyncio.Task[Any]) -> None:
        """Note the process of a kernel that just entered the pool."""
        if task.cancelled() or task.exception() is not None:
            return
        kernel_id = task.result()["kernel_id"]
        pid = kernel_pid(self, kernel_id)
        if pid is not None:
            self._pool_pids.setdefault(kernel_id, pid)

    def _usable(self, task: asyncio.Task[Any]) -> bool:
        if not task.done():
            return True  # still starting: the page waits for it
        if task.cancelled() or task.exception() is not None:
            return False
        content = task.result()
        render = content["task"]
        if render.done() and (render.cancelled() or render.exception() is not None):
            return False
        if content["kernel_id"] not in self._pool_pids:
            self._remember(task)  # finished a moment ago; its callback has not run yet
        pid = self._pool_pids.get(content["kernel_id"])
        return pid is not None and kernel_pid(self, content["kernel_id"]) == pid

    def drop_dead(self, notebook_name: str) -> int:
        """Remove pool entries of ``notebook_name`` whose kernel is gone; refill. Returns how many."""
        pool = self._pools.get(notebook_name, [])
        dead = [task for task in pool if not self._usable(task)]
        for task in dead:
            pool.remove(task)
            self._discard(task)
        if dead:
            self.log.warning("%d vorgewärmte(r) Kernel für %s beendet: ersetzt", len(dead), notebook_name)
            self.fill_if_needed(delay=0, notebook_name=notebook_name)
        return len(dead)

    def _discard(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        content = task.result()
        if not content["task"].done():
            content["task"].cancel()
        kernel_id = content["kernel_id"]
        self._pool_pids.pop(kernel_id, None)
        shutdown = asyncio.ensure_future(self._shut_down(kernel_id))
        self._shutdowns.add(shutdown)  # keep a reference until it is done
        shutdown.add_done_callback(self._shutdowns.discard)

    async def _shut_down(self, kernel_id: str) -> None:
        try:
            await self.shutdown_kernel(kernel_id, now=True)
        except Exception:  # already gone: nothing to clean up
            self.log.debug("Kernel %s war schon beendet", kernel_id, exc_info=True)

    def get_pool_size(self, notebook_name: str) -> int:
        self.drop_dead(notebook_name)
        return int(self._base().get_pool_size(notebook_name))

    async def get_rendered_notebook(self, notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        self.drop_dead(notebook_name)
        return await self._base().get_rendered_notebook(notebook_name, *args, **kwargs)

    async def cull_kernels(self) -> None:
        for notebook_name in list(self._pools):  # repair the pool without waiting for a visitor
            self.drop_dead(notebook_name)
        await self._base().cull_kernels()


def pool_guard(pool_class: Any) -> Any:
    """A subclass of Voilà's ``VoilaKernelManager`` that never hands out a pool kernel whose process has ended."""
    return type("GuardedKernelManager", (PoolGuard, pool_class), {})
