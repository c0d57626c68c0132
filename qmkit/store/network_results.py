"""The anonymous figures of a network's rounds as a coordinator sent them (reads, writes).

On a member's own laptop the network is a copy made from the invitation file; the figures of each round arrive
as a result file and are kept here, one row per round (a newer file replaces the figures of its rounds).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from qmkit.domain.model import now_iso
from qmkit.store import network_tables as nt
from qmkit.store.engine import Database, upsert
from qmkit.store.failures import retrying


class NetworkResults:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def keep(self, figures: dict[int, dict[str, Any]], content_hash: str, by: str) -> None:
        """Round id -> figures, all in one transaction."""
        stamp = now_iso()
        with self.db.write() as conn:
            for round_id, payload in figures.items():
                values = {"figures": payload, "content_hash": content_hash, "imported_by": by, "imported_at": stamp}
                upsert(conn, nt.network_results, {"round_id": round_id}, values)

    def of_network(self, network_id: int) -> dict[int, tuple[dict[str, Any], str]]:
        """Round id -> (figures, when imported) for the network's rounds that have received figures."""
        res, r = nt.network_results, nt.network_rounds
        query = select(res).join(r, r.c.id == res.c.round_id).where(r.c.network_id == network_id)
        with self.db.read() as conn:
            return {row.round_id: (row.figures, row.imported_at) for row in conn.execute(query).all()}
