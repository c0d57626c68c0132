"""The demo's internal audit (catalogs that ask for one): a programme for this year, one audit held and closed with
a conformity, a recommendation and a deviation (the deviation already a measure in the plan)."""

from __future__ import annotations

from datetime import date, timedelta

from qmkit.services.audits import InternalAudit
from qmkit.services.selfeval import SelfEvaluation


def add_demo_audit(evaluation: SelfEvaluation, today: date | None = None) -> None:
    today = today or date.today()
    audit = InternalAudit(evaluation, today)
    first = audit.add_plan_item(
        {"subject": "Kernprozess Kursplanung", "year": today.year, "month": 3, "auditors": "QMB, Leitung Verwaltung"}
    )
    audit.add_plan_item(
        {"subject": "Unterstützungsprozess Personal", "year": today.year, "month": 10, "auditors": "QMB"}
    )
    held = audit.add_record(
        {
            "day": today - timedelta(days=30),
            "scope": "Kernprozess Kursplanung (Standort Mitte)",
            "auditors": "QMB, Leitung Verwaltung",
            "summary": "Die Kursplanung folgt dem beschriebenen Ablauf; die Rückmeldungen der Teilnehmenden fließen "
            "noch nicht überall in die nächste Planung ein.",
        },
        first.id,
    )
    requirements = [r.id for r in evaluation.catalog.requirements()]
    audit.add_finding(
        held.id,
        {
            "kind": "konformitaet",
            "requirement_id": requirements[0],
            "text": "Der Planungsablauf ist beschrieben und wird eingehalten.",
            "evidence": "Prozessbeschreibung Kursplanung, Planungsordner 2026",
        },
    )
    audit.add_finding(
        held.id,
        {
            "kind": "empfehlung",
            "text": "Die Checkliste für neue Kursleitungen vereinheitlichen.",
            "evidence": "Gespräch mit zwei Kursleitungen",
        },
    )
    deviation = audit.add_finding(
        held.id,
        {
            "kind": "abweichung",
            "requirement_id": requirements[min(3, len(requirements) - 1)],
            "text": "Auswertungen der Teilnehmendenbefragung werden an zwei Standorten nicht besprochen.",
            "evidence": "Protokolle der Teamsitzungen Q1–Q2",
        },
    )
    audit.to_plan(deviation.id, "Leitung Verwaltung")
    audit.update_record(held.id, "status", "abgeschlossen")
