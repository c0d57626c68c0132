"""The internal audit of a cycle, checked: the audit programme, records, findings and their measures, the report's
content and the line for the management review. Reading needs *lesen*, every change *bearbeiten*.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.audit import (
    RECORD_FIELDS,
    AuditFinding,
    AuditFindingKind,
    AuditRecord,
    AuditReport,
    PlanItem,
    audit_summary,
    check_finding,
    check_plan_item,
    check_record,
    finding_measure,
)
from qmkit.domain.planning import STATUS_LABELS, check_measure
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.services.access import needs
from qmkit.services.selfeval import CycleWork


class InternalAudit(CycleWork):
    # ------------------------------------------------------------------ programme

    def programme(self, year: int | None = None) -> list[PlanItem]:
        items = self.store.audits.programme(self.cycle.id)
        return [i for i in items if year is None or i.year == int(year)]

    @needs(Right.EDIT)
    def add_plan_item(self, values: dict[str, Any]) -> PlanItem:
        made = self.store.audits.add_plan_item(self.cycle.id, check_plan_item(values), self.access.who())
        return next(i for i in self.programme() if i.id == made)

    @needs(Right.EDIT)
    def delete_plan_item(self, item_id: int) -> None:
        if all(i.id != int(item_id) for i in self.programme()):
            raise InputError(_("Diese Zeile gehört nicht zu diesem Zyklus."), "plan")
        self.store.audits.delete_plan_item(int(item_id))

    # ------------------------------------------------------------------ records

    def records(self) -> list[AuditRecord]:
        return self.store.audits.records(self.cycle.id)

    def record(self, record_id: int) -> AuditRecord:
        found = self.store.audits.record(int(record_id))
        if found.cycle_id != self.cycle.id:
            raise InputError(_("Dieses Audit gehört zu einem anderen Zyklus."), "record")
        return found

    @needs(Right.EDIT)
    def add_record(self, values: dict[str, Any], plan_item_id: int | None = None) -> AuditRecord:
        if plan_item_id is not None and all(i.id != int(plan_item_id) for i in self.programme()):
            raise InputError(_("Diese Zeile des Auditprogramms gehört nicht zu diesem Zyklus."), "plan")
        clean = check_record(values, self.today)
        return self.store.audits.add_record(self.cycle.id, clean, plan_item_id, self.access.who())

    @needs(Right.EDIT)
    def update_record(self, record_id: int, field: str, value: Any) -> AuditRecord:
        current = self.record(record_id)
        if field not in RECORD_FIELDS:
            raise InputError(_("Unbekanntes Feld."), field)
        merged = {name: getattr(current, name) for name in RECORD_FIELDS}
        merged["status"] = current.status.value
        clean = check_record({**merged, field: value}, self.today)
        return self.store.audits.update_record(current.id, {field: clean[field]}, self.access.who())

    # ------------------------------------------------------------------ findings

    def findings(self, record_id: int) -> list[AuditFinding]:
        return self.store.audits.findings([self.record(record_id).id])

    @needs(Right.EDIT)
    def add_finding(self, record_id: int, values: dict[str, Any]) -> AuditFinding:
        current = self.record(record_id)
        clean = check_finding(values, {r.id for r in self.catalog.requirements()})
        return self.store.audits.add_finding(current.id, clean, self.access.who())

    @needs(Right.EDIT)
    def delete_finding(self, finding_id: int) -> None:
        found = self.store.audits.finding(int(finding_id))
        self.record(found.record_id)
        if found.measure_id is not None:
            raise InputError(_("Zu dieser Feststellung gibt es eine Maßnahme; sie bleibt stehen."), "finding")
        self.store.audits.delete_finding(found.id)

    @needs(Right.EDIT)
    def to_plan(self, finding_id: int, responsible: Any) -> int:
        """The finding becomes a measure in this cycle's plan (once), with the requirement it concerns."""
        found = self.store.audits.finding(int(finding_id))
        record = self.record(found.record_id)
        measure = check_measure(finding_measure(found, record.day, str(responsible or "")))
        return self.store.audits.to_plan(found.id, self.cycle.id, measure, self.access.who())

    # ------------------------------------------------------------------ reading for others

    def report(self, record_id: int) -> AuditReport:
        record = self.record(record_id)
        titles = {r.id: r.title for r in self.catalog.requirements()}
        measures = {m.id: m for m in self.store.plans.measures(self.cycle.id)}
        rows = []
        for f in self.store.audits.findings([record.id]):
            measure = measures.get(f.measure_id or -1)
            if measure is not None:
                state = f"{measure.title} – {_(STATUS_LABELS[measure.status])}"
            elif f.kind == AuditFindingKind.ABWEICHUNG:
                state = _("Maßnahme fehlt")
            else:
                state = ""
            rows.append((f, titles.get(f.requirement_id, ""), state))
        subject = next((i.subject for i in self.programme() if i.id == record.plan_item_id), "")
        institution = self.evaluation.institution.name
        return AuditReport(institution, self.cycle.name, self.catalog.title, record, tuple(rows), subject)

    def summary_line(self) -> str:
        """The audits of the cycle in one line, for the management review's inputs."""
        records = self.records()
        return audit_summary(records, self.store.audits.findings([r.id for r in records]))

    def held_days(self) -> list[date]:
        return [r.day for r in self.records() if r.status.value == "abgeschlossen"]
