"""The tables of offers against needs (DKBM): each load of the education office's monitoring data or offers
register with its source, and its rows in normalised long form; the load each cycle uses.

A load belongs to the institution and is never changed (a new file is a new load); its rows go with it
(``ON DELETE CASCADE``). A cycle keeps the load it used per kind; without one it uses the newest. Part of the same
:data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from qmkit.store.tables import metadata

data_loads = Table(
    "data_loads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # needs | offers
    Column("source", String(255), nullable=False),  # the file name
    Column("mapping", Text, nullable=False, default="{}"),  # field → heading in the file (JSON)
    Column("row_count", Integer, nullable=False),
    Column("loaded_by", String(200), nullable=False, default=""),
    Column("loaded_at", String(40), nullable=False),
)

need_values = Table(
    "need_values",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("load_id", Integer, ForeignKey("data_loads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("district", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("target_group", String(200), nullable=False, default=""),
    Column("indicator", String(200), nullable=False),
    Column("value", Float, nullable=False),
)

offer_rows = Table(
    "offer_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("load_id", Integer, ForeignKey("data_loads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("provider", String(200), nullable=False, default=""),
    Column("kind", String(200), nullable=False, default=""),
    Column("district", String(200), nullable=False),
    Column("target_group", String(200), nullable=False, default=""),
    Column("year", Integer, nullable=False),
    Column("places", Float, nullable=False, default=0.0),
    Column("participants", Float, nullable=False, default=0.0),
)

cycle_data = Table(
    "cycle_data",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("load_id", Integer, ForeignKey("data_loads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("chosen_by", String(200), nullable=False, default=""),
    Column("chosen_at", String(40), nullable=False),
    UniqueConstraint("cycle_id", "kind", name="uq_cycle_data_kind"),
)
