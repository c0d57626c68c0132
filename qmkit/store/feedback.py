"""The assessors' feedback report as stored: its head and one finding per requirement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, select, update

from qmkit.domain.feedback import Finding, FindingKind, ReportHead
from qmkit.domain.model import now_iso
from qmkit.domain.planning import MeasureStatus
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.engine import Database, upsert
from qmkit.store.failures import retrying
from qmkit.store.plans import insert_measure


def finding_row(row: Any) -> Finding:
    return Finding(
        cycle_id=row.cycle_id,
        requirement_id=row.requirement_id,
        kind=FindingKind(row.kind) if row.kind else None,
        text=row.text,
        due=row.due,
        measure_id=row.measure_id,
        source=row.source,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


class Feedback:
    def __init__(self, db: Database):
        self.db = db

    def head(self, cycle_id: int) -> ReportHead:
        """When the feedback report arrived and who wrote it (empty until entered)."""
        table = t.feedback_reports
        with self.db.read() as conn:
            row = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).first()
        if row is None:
            return ReportHead(cycle_id)
        return ReportHead(cycle_id, row.received_on, row.assessors, row.changed_by, row.changed_at)

    @retrying
    def set_head(self, cycle_id: int, field: str, clean: Any, user: str = "") -> ReportHead:
        with self.db.write() as conn:
            values = {field: clean, "changed_by": user, "changed_at": now_iso()}
            upsert(conn, t.feedback_reports, {"cycle_id": cycle_id}, values)
        return self.head(cycle_id)

    def findings(self, cycle_id: int) -> dict[str, Finding]:
        """The assessors' findings of a cycle by requirement id."""
        table = t.feedback_findings
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        return {r.requirement_id: finding_row(r) for r in rows}

    @retrying
    def save_finding(
        self,
        cycle_id: int,
        requirement_id: str,
        merge: Callable[[Finding], dict[str, Any]],
        user: str = "",
        source: str = "",
        revision: int | None = None,
    ) -> Finding:
        """Change a finding in one transaction: ``merge(current)`` returns the checked whole finding.

        With ``revision`` the change is refused when the finding changed since it was read (an import never
        overwrites what someone typed meanwhile).
        """
        table = t.feedback_findings
        where = and_(table.c.cycle_id == cycle_id, table.c.requirement_id == requirement_id)
        with self.db.write() as conn:
            row = conn.execute(select(table).where(where).with_for_update()).first()
            current = finding_row(row) if row is not None else Finding(cycle_id, requirement_id)
            if revision is not None and current.revision != revision:
                raise InputError(_("inzwischen in der App geändert"), "revision")
            clean = merge(current)
            columns = {
                "kind": clean["kind"].value if clean["kind"] else None,
                "text": clean["text"],
                "due": clean["due"],
                "source": source or current.source,
                "changed_by": user,
                "changed_at": now_iso(),
                "revision": current.revision + 1,
            }
            upsert(conn, table, {"cycle_id": cycle_id, "requirement_id": requirement_id}, columns)
            return finding_row(conn.execute(select(table).where(where)).one())

    @retrying
    def measure_from_finding(
        self, cycle_id: int, requirement_id: str, plan: Callable[[Finding], dict[str, Any]], user: str = ""
    ) -> int:
        """Plan a measure for a finding and link the two in one transaction; refused when one is linked already
        (two people clicking at once get one measure: the finding's row is locked), unless that one was
        discarded. ``plan(finding)`` returns the checked measure. Returns the new measure's id."""
        table, m = t.feedback_findings, t.measures
        where = and_(table.c.cycle_id == cycle_id, table.c.requirement_id == requirement_id)
        with self.db.write() as conn:
            row = conn.execute(select(table).where(where).with_for_update()).first()
            if row is None:
                raise InputError(_("Zu dieser Anforderung gibt es noch keine Rückmeldung."), "kind")
            finding = finding_row(row)
            if finding.measure_id is not None:
                linked = conn.execute(select(m.c.title, m.c.status).where(m.c.id == finding.measure_id)).first()
                if linked is not None and linked.status != MeasureStatus.VERWORFEN.value:
                    raise InputError(
                        _("Zu dieser Rückmeldung gibt es schon die Maßnahme „{title}“.").format(title=linked.title),
                        "measure",
                    )
            created = insert_measure(conn, cycle_id, user, plan(finding))
            conn.execute(update(table).where(where).values(measure_id=created, revision=table.c.revision + 1))
        return created
