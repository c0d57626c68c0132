"""The participant server's one store and catalog set: the join gate, the survey and the workshop pages share them
(one database engine and one reading of the catalog files per process)."""

from __future__ import annotations

from functools import lru_cache

from qmkit.domain.catalog import CatalogSet
from qmkit.store import Store


@lru_cache(maxsize=1)
def shared_store() -> Store:
    return Store()


@lru_cache(maxsize=1)
def shared_catalogs() -> CatalogSet:
    from qmkit.store.catalogs import discover

    return discover()
