"""Schema 16: quality dialogues per round. A network meeting gets a kind – 'treffen' (a network meeting, the default
for every meeting there is) or 'qualitaetsdialog' (a member's quality dialogue, hosted by the member) – and the round
it belongs to; a participant may be invited rather than present. New columns with defaults; no data changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEETING_ROUND_FK = "fk_network_meetings_round_id_network_rounds"


def upgrade() -> None:
    with op.batch_alter_table("network_meeting_participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("network_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="treffen", nullable=False))
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_network_meetings_round_id"), ["round_id"], unique=False)
        batch_op.create_foreign_key(MEETING_ROUND_FK, "network_rounds", ["round_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("network_meetings", schema=None) as batch_op:
        batch_op.drop_constraint(MEETING_ROUND_FK, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_network_meetings_round_id"))
        batch_op.drop_column("round_id")
        batch_op.drop_column("kind")
    with op.batch_alter_table("network_meeting_participants", schema=None) as batch_op:
        batch_op.drop_column("invited")
