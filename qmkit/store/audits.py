"""The internal audit as stored: programme lines, records and findings (reads, writes). A finding's measure is made
in the same transaction under the finding's row lock, so a double click makes one measure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from qmkit.domain.audit import AuditFinding, AuditFindingKind, AuditRecord, AuditStatus, PlanItem
from qmkit.domain.model import now_iso
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import audit_tables as at
from qmkit.store import tables as t
from qmkit.store.engine import Database, new_id
from qmkit.store.failures import retrying
from qmkit.store.plans import insert_measure


def _record(row: Any) -> AuditRecord:
    return AuditRecord(
        row.id,
        row.cycle_id,
        row.day,
        row.scope,
        row.auditors,
        row.summary,
        AuditStatus(row.status),
        row.plan_item_id,
        row.changed_by,
        row.changed_at,
    )


def _finding(row: Any) -> AuditFinding:
    return AuditFinding(
        row.id, row.record_id, AuditFindingKind(row.kind), row.text, row.requirement_id, row.evidence, row.measure_id
    )


class Audits:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ programme

    def programme(self, cycle_id: int) -> list[PlanItem]:
        p = at.audit_plan
        query = select(p).where(p.c.cycle_id == cycle_id).order_by(p.c.year, p.c.month, p.c.id)
        with self.db.read() as conn:
            return [PlanItem(r.id, r.cycle_id, r.year, r.month, r.subject, r.auditors) for r in conn.execute(query)]

    @retrying
    def add_plan_item(self, cycle_id: int, clean: dict[str, Any], by: str) -> int:
        with self.db.write() as conn:
            stmt = insert(at.audit_plan).values(cycle_id=cycle_id, changed_by=by, changed_at=now_iso(), **clean)
            return new_id(conn.execute(stmt))

    @retrying
    def delete_plan_item(self, item_id: int) -> None:
        r = at.audit_records
        with self.db.write() as conn:
            conn.execute(update(r).where(r.c.plan_item_id == item_id).values(plan_item_id=None))
            conn.execute(delete(at.audit_plan).where(at.audit_plan.c.id == item_id))

    # ------------------------------------------------------------------ records

    def records(self, cycle_id: int) -> list[AuditRecord]:
        r = at.audit_records
        with self.db.read() as conn:
            rows = conn.execute(select(r).where(r.c.cycle_id == cycle_id).order_by(r.c.day.desc(), r.c.id.desc()))
            return [_record(row) for row in rows]

    def record(self, record_id: int) -> AuditRecord:
        r = at.audit_records
        return _record(self.db.one(select(r).where(r.c.id == record_id), _("Dieses Audit gibt es nicht (mehr).")))

    @retrying
    def add_record(self, cycle_id: int, clean: dict[str, Any], plan_item_id: int | None, by: str) -> AuditRecord:
        with self.db.write() as conn:
            stmt = insert(at.audit_records).values(
                cycle_id=cycle_id, plan_item_id=plan_item_id, changed_by=by, changed_at=now_iso(), **clean
            )
            made = new_id(conn.execute(stmt))
        return self.record(made)

    @retrying
    def update_record(self, record_id: int, clean: dict[str, Any], by: str) -> AuditRecord:
        r = at.audit_records
        with self.db.write() as conn:
            conn.execute(update(r).where(r.c.id == record_id).values(changed_by=by, changed_at=now_iso(), **clean))
        return self.record(record_id)

    # ------------------------------------------------------------------ findings

    def findings(self, record_ids: list[int]) -> list[AuditFinding]:
        f = at.audit_findings
        if not record_ids:
            return []
        with self.db.read() as conn:
            rows = conn.execute(select(f).where(f.c.record_id.in_(record_ids)).order_by(f.c.record_id, f.c.id))
            return [_finding(row) for row in rows]

    def finding(self, finding_id: int) -> AuditFinding:
        f = at.audit_findings
        return _finding(self.db.one(select(f).where(f.c.id == finding_id), _("Diese Feststellung gibt es nicht.")))

    @retrying
    def add_finding(self, record_id: int, clean: dict[str, Any], by: str) -> AuditFinding:
        with self.db.write() as conn:
            stmt = insert(at.audit_findings).values(record_id=record_id, changed_by=by, changed_at=now_iso(), **clean)
            made = new_id(conn.execute(stmt))
        return self.finding(made)

    @retrying
    def delete_finding(self, finding_id: int) -> None:
        with self.db.write() as conn:
            conn.execute(delete(at.audit_findings).where(at.audit_findings.c.id == finding_id))

    @retrying
    def to_plan(self, finding_id: int, cycle_id: int, measure: dict[str, Any], by: str) -> int:
        """The finding's measure in the cycle's plan; a finding that has one already is refused (row lock)."""
        f = at.audit_findings
        with self.db.write() as conn:
            row = conn.execute(select(f).where(f.c.id == finding_id).with_for_update()).one()
            if row.measure_id is not None:
                title = conn.execute(select(t.measures.c.title).where(t.measures.c.id == row.measure_id)).scalar()
                raise InputError(
                    _("Zu dieser Feststellung gibt es schon die Maßnahme „{title}“.").format(title=title or "–"),
                    "finding",
                )
            stamp = now_iso()
            made = insert_measure(conn, cycle_id, by, measure, stamp)
            conn.execute(update(f).where(f.c.id == finding_id).values(measure_id=made, changed_by=by, changed_at=stamp))
            return made
