"""The internal audit (QESplus and any catalog that switches it on): a yearly audit programme (what is audited,
when, by whom), audit records (day, scope, auditors, summary) and their findings – Konformität, Empfehlung or
Abweichung, each with what it rests on – which become measures in the plan (an Abweichung must). Pure types and
checks; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.text import clean_name, clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _


class AuditFindingKind(StrEnum):
    KONFORMITAET = "konformitaet"
    EMPFEHLUNG = "empfehlung"
    ABWEICHUNG = "abweichung"


KIND_LABELS = {
    AuditFindingKind.KONFORMITAET: N_("Konformität"),
    AuditFindingKind.EMPFEHLUNG: N_("Empfehlung"),
    AuditFindingKind.ABWEICHUNG: N_("Abweichung"),
}


class AuditStatus(StrEnum):
    ENTWURF = "entwurf"
    ABGESCHLOSSEN = "abgeschlossen"


STATUS_LABELS = {AuditStatus.ENTWURF: N_("Entwurf"), AuditStatus.ABGESCHLOSSEN: N_("abgeschlossen")}
MONTHS = (
    N_("Januar"),
    N_("Februar"),
    N_("März"),
    N_("April"),
    N_("Mai"),
    N_("Juni"),
    N_("Juli"),
    N_("August"),
    N_("September"),
    N_("Oktober"),
    N_("November"),
    N_("Dezember"),
)


@dataclass(frozen=True)
class PlanItem:
    """One line of the audit programme: what is audited in which month of the year, by whom."""

    id: int
    cycle_id: int
    year: int
    month: int
    subject: str
    auditors: str = ""


@dataclass(frozen=True)
class AuditRecord:
    id: int
    cycle_id: int
    day: date
    scope: str
    auditors: str = ""
    summary: str = ""
    status: AuditStatus = AuditStatus.ENTWURF
    plan_item_id: int | None = None
    changed_by: str = ""
    changed_at: str = ""


@dataclass(frozen=True)
class AuditFinding:
    id: int
    record_id: int
    kind: AuditFindingKind
    text: str
    requirement_id: str = ""
    evidence: str = ""  # what the finding rests on: a document, an observation, an interview
    measure_id: int | None = None


def check_plan_item(values: dict[str, Any]) -> dict[str, Any]:
    subject = clean_name(values.get("subject"), "subject", limit=200, label=N_("Gegenstand"))
    if not subject:
        raise InputError(_("Bitte angeben, was auditiert wird (ein Prozess oder ein Bereich)."), "subject")
    try:
        year, month = int(values.get("year") or 0), int(values.get("month") or 0)
    except (TypeError, ValueError):
        year = month = 0
    if not 2000 <= year <= 2100:
        raise InputError(_("Bitte ein Jahr zwischen 2000 und 2100 wählen."), "year")
    if not 1 <= month <= 12:
        raise InputError(_("Bitte einen Monat wählen."), "month")
    auditors = clean_name(values.get("auditors", ""), "auditors", limit=300, label=N_("Auditor*innen"))
    return {"subject": subject, "year": year, "month": month, "auditors": auditors}


RECORD_FIELDS = ("day", "scope", "auditors", "summary", "status")


def check_record(values: dict[str, Any], today: date) -> dict[str, Any]:
    day = parse_day(values.get("day"), "day", N_("Datum"))
    if day is None:
        raise InputError(_("Bitte das Datum des Audits eingeben."), "day")
    scope = clean_text(values.get("scope"), "scope", limit=2000, label=N_("Gegenstand"), multiline=True)
    if not scope:
        raise InputError(_("Bitte angeben, was auditiert wurde (Prozesse, Bereiche, Standorte)."), "scope")
    try:
        status = AuditStatus(values.get("status") or AuditStatus.ENTWURF)
    except ValueError:
        raise InputError(_("Unbekannter Status."), "status") from None
    if status == AuditStatus.ABGESCHLOSSEN and day > today:
        raise InputError(_("Ein Audit in der Zukunft kann noch nicht abgeschlossen sein."), "status")
    return {
        "day": day,
        "scope": scope,
        "auditors": clean_name(values.get("auditors", ""), "auditors", limit=300, label=N_("Auditor*innen")),
        "summary": clean_text(
            values.get("summary", ""), "summary", limit=12000, label=N_("Zusammenfassung"), multiline=True
        ),
        "status": status.value,
    }


def check_finding(values: dict[str, Any], requirement_ids: set[str]) -> dict[str, Any]:
    try:
        kind = AuditFindingKind(str(values.get("kind") or ""))
    except ValueError:
        raise InputError(_("Bitte wählen: Konformität, Empfehlung oder Abweichung."), "kind") from None
    text = clean_text(values.get("text"), "text", limit=4000, label=N_("Feststellung"), multiline=True)
    if not text:
        raise InputError(_("Bitte die Feststellung beschreiben."), "text")
    requirement = str(values.get("requirement_id") or "").strip()
    if requirement and requirement not in requirement_ids:
        raise InputError(
            _("Anforderung „{id}“ gibt es im Katalog nicht.").format(id=requirement[:40]), "requirement_id"
        )
    evidence = clean_text(values.get("evidence", ""), "evidence", limit=2000, label=N_("Beleg"), multiline=True)
    return {"kind": kind.value, "text": text, "requirement_id": requirement, "evidence": evidence}


def finding_measure(finding: AuditFinding, day: date, responsible: str) -> dict[str, Any]:
    """The measure a finding becomes in the plan (title, description, responsible, the requirement)."""
    first = finding.text.strip().splitlines()[0]
    title = _("Audit: {text}").format(text=first)
    title = title if len(title) <= 200 else title[:199].rstrip() + "…"
    head = _("{kind} aus dem internen Audit vom {day}:").format(
        kind=_(KIND_LABELS[finding.kind]), day=day.strftime("%d.%m.%Y")
    )
    return {
        "title": title,
        "description": (head + "\n" + finding.text)[:4000],
        "responsible": responsible,
        "requirement_ids": [finding.requirement_id] if finding.requirement_id else [],
    }


@dataclass(frozen=True)
class AuditReport:
    """What the audit report shows, names and states already resolved."""

    institution: str
    cycle: str
    catalog: str
    record: AuditRecord
    findings: tuple[tuple[AuditFinding, str, str], ...]  # finding, requirement title, measure state
    plan_subject: str = ""

    def count(self, kind: AuditFindingKind) -> int:
        return sum(1 for f, _t, _s in self.findings if f.kind == kind)


def audit_summary(records: list[AuditRecord], findings: list[AuditFinding]) -> str:
    """One line for the management review's inputs: audits held, findings per kind, deviations without measure."""
    held = [r for r in records if r.status == AuditStatus.ABGESCHLOSSEN]
    counts = {k: sum(1 for f in findings if f.kind == k) for k in AuditFindingKind}
    open_deviations = sum(1 for f in findings if f.kind == AuditFindingKind.ABWEICHUNG and f.measure_id is None)
    return _(
        "Internes Audit: {n} abgeschlossen ({d}); {k} Konformitäten, {e} Empfehlungen, {a} Abweichungen, davon "
        "{o} noch ohne Maßnahme."
    ).format(
        n=len(held),
        d=", ".join(r.day.strftime("%d.%m.%Y") for r in held) or "–",
        k=counts[AuditFindingKind.KONFORMITAET],
        e=counts[AuditFindingKind.EMPFEHLUNG],
        a=counts[AuditFindingKind.ABWEICHUNG],
        o=open_deviations,
    )
