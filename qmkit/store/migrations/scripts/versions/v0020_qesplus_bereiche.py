"""QESplus-Bereiche: the PDCA maturity scores per area of QESplus cycles move to the catalog's new areas.

Revision 0020 (schema 20) after 0019, made 2026-12-02 06:28:04.669907.
The QESplus working catalog 2026.2 has areas of its own (A Leitung, B Bildungsangebote, C Personal und Organisation,
D Kooperation im Verbund) instead of the institution's process types F/K/U; the requirement ids stayed, so only what
is stored per area moves: F → A, K → B, U → C (where a cycle already has a score for the new area, it is kept and
the old one stays as it was).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = {"F": "A", "K": "B", "U": "C"}


def upgrade() -> None:
    conn = op.get_bind()
    cycles = sa.table("cycles", sa.column("id"), sa.column("catalog_id"))
    scores = sa.table("pdca_scores", sa.column("cycle_id"), sa.column("target_id"))
    qesplus = [row.id for row in conn.execute(sa.select(cycles.c.id).where(cycles.c.catalog_id == "qesplus"))]
    for cycle_id in qesplus:
        taken = {r.target_id for r in conn.execute(sa.select(scores.c.target_id).where(scores.c.cycle_id == cycle_id))}
        for old, new in MOVED.items():
            if old in taken and new not in taken:
                where = sa.and_(scores.c.cycle_id == cycle_id, scores.c.target_id == old)
                conn.execute(sa.update(scores).where(where).values(target_id=new))


def downgrade() -> None:
    conn = op.get_bind()
    cycles = sa.table("cycles", sa.column("id"), sa.column("catalog_id"))
    scores = sa.table("pdca_scores", sa.column("cycle_id"), sa.column("target_id"))
    qesplus = sa.select(cycles.c.id).where(cycles.c.catalog_id == "qesplus")
    for old, new in MOVED.items():
        where = sa.and_(scores.c.cycle_id.in_(qesplus), scores.c.target_id == new)
        conn.execute(sa.update(scores).where(where).values(target_id=old))
