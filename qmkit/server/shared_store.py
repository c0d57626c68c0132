"""The participant server's one store: the join gate and the survey pages share it (one engine per process)."""

from __future__ import annotations

from functools import lru_cache

from qmkit.store import Store


@lru_cache(maxsize=1)
def shared_store() -> Store:
    return Store()
