"""Loads of needs and offers data as stored: a load with its source, mapping and rows, written in one transaction
(a refused or broken load leaves nothing behind), and the load each cycle uses per kind.

Loads are never changed; a new file is a new load. Rows come back as frames with the columns of
:func:`qmkit.domain.offers.needs_frame` and :func:`~qmkit.domain.offers.offers_frame`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select

from qmkit.domain.data_loads import DataLoad
from qmkit.domain.model import now_iso
from qmkit.i18n import _
from qmkit.store import offer_tables as ot
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import retrying

if TYPE_CHECKING:  # pandas only when data is read: the participant servers import the store without it
    import pandas as pd

CHUNK = 5000
NEED_COLUMNS = ["district", "year", "group", "indicator", "value"]
OFFER_COLUMNS = ["name", "provider", "kind", "district", "group", "year", "places", "participants"]


def _load(row: Any) -> DataLoad:
    return DataLoad(
        row.id,
        row.institution_id,
        row.kind,
        row.source,
        json.loads(row.mapping or "{}"),
        row.row_count,
        row.loaded_by,
        row.loaded_at,
    )


def _records(frame: pd.DataFrame, load_id: int) -> Iterator[list[dict[str, Any]]]:
    """The frame's rows as insert values in chunks (``group`` is stored as ``target_group``)."""
    renamed = frame.rename(columns={"group": "target_group"})
    records = renamed.to_dict("records")
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        for record in chunk:
            record["load_id"] = load_id
            record["year"] = int(record["year"])
        yield chunk


class OffersData:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ reading

    def loads(self, institution_id: int) -> list[DataLoad]:
        """The institution's loads, newest first."""
        d = ot.data_loads
        with self.db.read() as conn:
            rows = conn.execute(select(d).where(d.c.institution_id == institution_id).order_by(d.c.id.desc())).all()
        return [_load(r) for r in rows]

    def load(self, load_id: int) -> DataLoad:
        d = ot.data_loads
        return _load(self.db.one(select(d).where(d.c.id == load_id), _("Diesen Datenstand gibt es nicht (mehr).")))

    def chosen(self, cycle_id: int) -> dict[str, int]:
        """Kind → the load the cycle keeps (kinds without a choice are missing: the newest counts)."""
        c = ot.cycle_data
        with self.db.read() as conn:
            return {
                r.kind: r.load_id for r in conn.execute(select(c.c.kind, c.c.load_id).where(c.c.cycle_id == cycle_id))
            }

    def keeping(self, load_id: int) -> list[int]:
        """The cycles that keep this load."""
        c = ot.cycle_data
        with self.db.read() as conn:
            return [r.cycle_id for r in conn.execute(select(c.c.cycle_id).where(c.c.load_id == load_id))]

    def needs(self, load_id: int) -> pd.DataFrame:
        import pandas as pd

        n = ot.need_values
        query = select(n.c.district, n.c.year, n.c.target_group, n.c.indicator, n.c.value).where(n.c.load_id == load_id)
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(n.c.id)).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=NEED_COLUMNS)

    def offers(self, load_id: int) -> pd.DataFrame:
        import pandas as pd

        o = ot.offer_rows
        query = select(
            o.c.name, o.c.provider, o.c.kind, o.c.district, o.c.target_group, o.c.year, o.c.places, o.c.participants
        ).where(o.c.load_id == load_id)
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(o.c.id)).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=OFFER_COLUMNS)

    # ------------------------------------------------------------------ writing

    @retrying
    def add(
        self,
        institution_id: int,
        kind: str,
        source: str,
        mapping: dict[str, str],
        frame: pd.DataFrame,
        by: str,
        cycle_id: int | None = None,
    ) -> DataLoad:
        """A new load with all its rows (checked ``frame``), kept by ``cycle_id`` when given – all or nothing."""
        table = ot.need_values if kind == "needs" else ot.offer_rows
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(ot.data_loads).values(
                        institution_id=institution_id,
                        kind=kind,
                        source=source,
                        mapping=json.dumps(mapping, ensure_ascii=False, sort_keys=True),
                        row_count=len(frame),
                        loaded_by=by,
                        loaded_at=now_iso(),
                    )
                )
            )
            for chunk in _records(frame, made):
                conn.execute(insert(table), chunk)
            if cycle_id is not None:
                self._choose(conn, cycle_id, kind, made, by)
        return self.load(made)

    @staticmethod
    def _choose(conn: Any, cycle_id: int, kind: str, load_id: int, by: str) -> None:
        upsert(
            conn,
            ot.cycle_data,
            {"cycle_id": cycle_id, "kind": kind},
            {"load_id": load_id, "chosen_by": by, "chosen_at": now_iso()},
        )

    @retrying
    def choose(self, cycle_id: int, kind: str, load_id: int | None, by: str) -> None:
        """The load the cycle keeps for ``kind`` (``None``: the newest from now on)."""
        with self.db.write() as conn:
            if load_id is None:
                c = ot.cycle_data
                conn.execute(delete(c).where(c.c.cycle_id == cycle_id, c.c.kind == kind))
            else:
                self._choose(conn, cycle_id, kind, load_id, by)

    @retrying
    def delete(self, load_id: int) -> None:
        """A load and its rows (cycles that kept it use the newest again)."""
        with self.db.write() as conn:
            conn.execute(delete(ot.data_loads).where(ot.data_loads.c.id == load_id))
