"""Schema 8: dates as ``Date`` and lists of requirement ids as ``JSON`` (were ISO text and JSON text).

On SQLite the stored values stay as they are (SQLAlchemy keeps a ``Date`` as ISO text and ``JSON`` as JSON text);
only the declared column types change, by batch mode. Batch mode copies a changed column with ``CAST(… AS DATE)``,
which SQLite turns into a number ('2027-06-30' → 2027): the values are read before and written back after. On
PostgreSQL the columns are converted in place.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATES = {
    "goals": ("target_date",),
    "measures": ("start", "due"),
    "plan_signoffs": ("signed_on",),
    "measure_reviews": ("done_on",),
    "management_reviews": ("held_on", "next_review"),
    "workshops": ("held_on",),
    "documents": ("effective_on", "review_on"),
    "certifications": ("certified_on", "valid_until"),
    "timeline_dates": ("planned", "done"),
    "feedback_reports": ("received_on",),
    "feedback_findings": ("due",),
}
LISTS = {
    "cycles": ("requirement_ids",),
    "goals": ("requirement_ids",),
    "measures": ("requirement_ids",),
    "workshops": ("requirement_ids",),
}


def _alter(batch: Any, column: str, types: tuple[Any, Any], cast: str | None) -> None:
    """Change ``column`` from ``types[0]`` to ``types[1]``; on PostgreSQL converting with ``::cast``."""
    if cast is None:
        batch.alter_column(column, type_=types[1], existing_type=types[0])
    else:
        batch.alter_column(column, type_=types[1], existing_type=types[0], postgresql_using=f"{column}::{cast}")


def _saved(table: str, columns: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """The primary key and ``columns`` of every row of ``table`` as stored now (SQLite only)."""
    bind = op.get_bind()
    key = list(sa.inspect(bind).get_pk_constraint(table)["constrained_columns"])
    rows = bind.execute(sa.text(f"SELECT {', '.join(key + list(columns))} FROM {table}")).all()  # noqa: S608
    return key, list(rows)


def _restore(table: str, columns: tuple[str, ...], key: list[str], rows: list[Any]) -> None:
    """Write the values read by :func:`_saved` back unchanged (as text, as they were)."""
    where = " AND ".join(f"{k} = :k{i}" for i, k in enumerate(key))
    assign = ", ".join(f"{c} = :c{i}" for i, c in enumerate(columns))
    statement = sa.text(f"UPDATE {table} SET {assign} WHERE {where}")  # noqa: S608
    for row in rows:
        values = {f"k{i}": row[i] for i in range(len(key))}
        values |= {f"c{i}": row[len(key) + i] for i in range(len(columns))}
        op.get_bind().execute(statement, values)


def _change(to_new: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in sorted(set(DATES) | set(LISTS)):
        columns = DATES.get(table, ()) + LISTS.get(table, ())
        key, rows = _saved(table, columns) if not postgres else ([], [])
        with op.batch_alter_table(table) as batch:
            for column in DATES.get(table, ()):
                types: tuple[Any, Any] = (sa.String(10), sa.Date()) if to_new else (sa.Date(), sa.String(10))
                _alter(batch, column, types, ("date" if to_new else "varchar(10)") if postgres else None)
            for column in LISTS.get(table, ()):
                types = (sa.Text(), sa.JSON()) if to_new else (sa.JSON(), sa.Text())
                _alter(batch, column, types, ("json" if to_new else "text") if postgres else None)
        if rows:
            _restore(table, columns, key, rows)


def upgrade() -> None:
    _change(to_new=True)


def downgrade() -> None:
    _change(to_new=False)
