"""Baseline: schema 7, the layout of release 0.7, reached by the frozen steps of releases 0.1 to 0.7.

A new database runs every step, a database of release 0.1 to 0.6 the steps it lacks, one of release 0.7 none;
each is then stamped with this revision. Never edit; later changes are new revisions.
"""

from collections.abc import Sequence

from alembic import op

from qmkit.store.migrations.legacy import upgrade_to_baseline

revision: str = "0007"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    upgrade_to_baseline(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("schema 7 is the oldest schema qmkit can go back to")
