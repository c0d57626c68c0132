"""${message}

Revision ${up_revision} (schema ${int(up_revision)}) after ${down_revision | comma,n}, made ${create_date}.
Review it before committing: autogenerate misses renames and data moves. On SQLite, changes to existing tables go
through ``op.batch_alter_table`` (a table rebuild); qmkit runs revisions with foreign keys off for that.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
