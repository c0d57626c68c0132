"""The assessors' feedback report (Rückmeldebericht): a finding per requirement and what follows from it.

A finding has a kind (erfüllt, Empfehlung, Auflage, nicht erfüllt), the assessors' words and, for a condition,
the date by which it must be met. Conditions and unmet requirements need a measure of the quality plan; a
recommendation may get one. Plain frozen dataclasses and checks with German messages; no widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.planning import OPEN_STATUSES, STATUS_LABELS, Measure, MeasureStatus
from qmkit.domain.text import clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _


class FindingKind(StrEnum):
    """The assessors' result for one requirement."""

    ERFUELLT = "erfuellt"
    EMPFEHLUNG = "empfehlung"
    AUFLAGE = "auflage"
    NICHT_ERFUELLT = "nicht_erfuellt"


KIND_LABELS = {
    FindingKind.ERFUELLT: N_("erfüllt"),
    FindingKind.EMPFEHLUNG: N_("erfüllt, mit Empfehlung"),
    FindingKind.AUFLAGE: N_("Auflage"),
    FindingKind.NICHT_ERFUELLT: N_("nicht erfüllt"),
}
# Words an assessor may write (in the result column, or at the start of the remark) for each kind.
KIND_WORDS = {
    FindingKind.NICHT_ERFUELLT: ("nicht erfüllt", "nicht erfuellt", "nicht_erfuellt"),
    FindingKind.AUFLAGE: ("auflage", "erfüllt mit auflage", "erfüllt, mit auflage", "mit auflage"),
    FindingKind.EMPFEHLUNG: ("empfehlung", "erfüllt mit empfehlung", "erfüllt, mit empfehlung"),
    FindingKind.ERFUELLT: ("erfüllt", "erfuellt"),
}
# Only in a result cell (a remark starting with "Ja, …" or "Hinweis: …" says nothing about the result).
CELL_WORDS = {
    FindingKind.NICHT_ERFUELLT: ("nein",),
    FindingKind.EMPFEHLUNG: ("hinweis",),
    FindingKind.ERFUELLT: ("ja",),
}
NEEDS_MEASURE = (FindingKind.AUFLAGE, FindingKind.NICHT_ERFUELLT)
MAY_GET_MEASURE = (*NEEDS_MEASURE, FindingKind.EMPFEHLUNG)
TEXT_LIMIT = 4000
FIELD_LABELS = {
    "kind": N_("Ergebnis"),
    "text": N_("Anmerkung der Gutachter*innen"),
    "due": N_("zu erfüllen bis"),
    "received_on": N_("Rückmeldebericht erhalten am"),
    "assessors": N_("Gutachter*innen"),
}


def kind_label(kind: FindingKind | None) -> str:
    return _(KIND_LABELS[kind]) if kind else _("noch nicht eingeordnet")


@dataclass(frozen=True)
class Finding:
    """The assessors' finding on one requirement; ``measure_id`` is the measure of the plan made from it."""

    cycle_id: int
    requirement_id: str
    kind: FindingKind | None = None
    text: str = ""
    due: date | None = None
    measure_id: int | None = None
    source: str = ""
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0

    @property
    def needs_measure(self) -> bool:
        return self.kind in NEEDS_MEASURE

    @property
    def is_empty(self) -> bool:
        return self.kind is None and not self.text and self.due is None


@dataclass(frozen=True)
class ReportHead:
    """When the feedback report came and who wrote it."""

    cycle_id: int
    received_on: date | None = None
    assessors: str = ""
    changed_by: str = ""
    changed_at: str = ""


def kind_from_text(text: str, cell: bool = False) -> FindingKind | None:
    """The kind an assessor wrote: a result cell ("Auflage", ``cell``) or the start of a remark ("Auflage: …")."""
    head = text.strip().casefold()
    for kind, words in KIND_WORDS.items():  # "nicht erfüllt" and "erfüllt mit Auflage" are tried before "erfüllt"
        if cell:
            words = words + CELL_WORDS.get(kind, ()) + (_(KIND_LABELS[kind]).casefold(),)
        for word in sorted(words, key=len, reverse=True):
            if head == word:
                return kind
            if not cell and head.startswith(word) and head[len(word) : len(word) + 1] in (":", " ", "-", "–", ".", ","):
                return kind
    return None


def check_kind(value: Any) -> FindingKind | None:
    if value in (None, ""):
        return None
    try:
        return FindingKind(value)
    except ValueError:
        raise InputError(_("Bitte ein Ergebnis aus der Liste wählen."), "kind") from None


def check_finding(values: dict[str, Any]) -> dict[str, Any]:
    """The finding's fields as they may be stored, or :class:`InputError` naming the field."""
    clean: dict[str, Any] = {"kind": check_kind(values.get("kind"))}
    clean["text"] = clean_text(
        values.get("text", ""), "text", limit=TEXT_LIMIT, label=FIELD_LABELS["text"], multiline=True
    )
    clean["due"] = parse_day(values.get("due"), "due", FIELD_LABELS["due"])
    if clean["due"] is not None and clean["kind"] not in NEEDS_MEASURE:
        raise InputError(
            _(
                "Eine Frist gibt es nur für Auflagen und nicht erfüllte Anforderungen. Bitte zuerst das Ergebnis "
                "wählen."
            ),
            "due",
        )
    return clean


def check_head(field: str, value: Any) -> Any:
    """One field of the report head, checked."""
    if field == "received_on":
        day = parse_day(value, field, FIELD_LABELS[field])
        if day is not None and day > date.today():
            raise InputError(_("Der Rückmeldebericht kann nicht in der Zukunft eingegangen sein."), field)
        return day
    if field == "assessors":
        return clean_text(value, field, limit=300, label=FIELD_LABELS[field])
    raise InputError(_("Unbekanntes Feld."), field)


def measure_values(finding: Finding, title: str, responsible: str) -> dict[str, Any]:
    """The fields of the measure that takes up ``finding`` (for :meth:`qmkit.store.Store.add_measure`)."""
    if finding.kind not in MAY_GET_MEASURE:
        raise InputError(
            _("Nur aus Auflagen, Empfehlungen und nicht erfüllten Anforderungen wird eine Maßnahme."), "kind"
        )
    verb = {
        FindingKind.AUFLAGE: _("Auflage erfüllen"),
        FindingKind.NICHT_ERFUELLT: _("Anforderung erfüllen"),
        FindingKind.EMPFEHLUNG: _("Empfehlung aufgreifen"),
    }[finding.kind]
    words = finding.text if len(finding.text) <= 3500 else finding.text[:3499] + "…"
    description = _("Aus dem Rückmeldebericht ({kind})").format(kind=kind_label(finding.kind))
    description += f": {words}" if words else "."
    return {
        "title": f"{finding.requirement_id} {title}: {verb}"[:200],
        "description": description,
        "requirement_ids": (finding.requirement_id,),
        "responsible": responsible,
        "due": finding.due,
    }


@dataclass(frozen=True)
class FindingState:
    """Where a finding stands with its measure: the text for the page and whether something is still to do."""

    text: str
    open: bool
    overdue: bool = False


def finding_state(finding: Finding, measure: Measure | None, today: date) -> FindingState:
    """'Maßnahme fehlt', 'Maßnahme geplant, Termin …', 'umgesetzt' … for a finding and its measure."""
    if finding.kind not in MAY_GET_MEASURE:
        return FindingState("", False)
    if measure is None:
        if finding.needs_measure:
            overdue = finding.due is not None and finding.due < today
            return FindingState(_("Maßnahme fehlt"), True, overdue)
        return FindingState(_("keine Maßnahme (freiwillig)"), False)
    status = _(STATUS_LABELS[measure.status])
    if measure.status == MeasureStatus.VERWORFEN:
        return FindingState(_("Maßnahme verworfen – bitte begründen oder neu planen"), finding.needs_measure)
    if measure.status in OPEN_STATUSES:
        due = measure.due or finding.due
        when = _(", Termin {d}").format(d=due.strftime("%d.%m.%Y")) if due else ""
        overdue = due is not None and due < today
        return FindingState(_("Maßnahme {status}{when}").format(status=status, when=when), True, overdue)
    return FindingState(_("Maßnahme {status}").format(status=status), False)


@dataclass(frozen=True)
class FeedbackOverview:
    """Counts for the page head and the export: findings per kind, open and overdue ones."""

    counts: dict[FindingKind, int]
    unsorted: int
    open: int
    missing_measure: int
    overdue: int

    def text(self) -> str:
        parts = [f"{self.counts[k]} × {kind_label(k)}" for k in FindingKind if self.counts.get(k)]
        if self.unsorted:
            parts.append(f"{self.unsorted} × {kind_label(None)}")
        return " · ".join(parts) if parts else _("Noch keine Rückmeldung erfasst.")


def overview(findings: dict[str, Finding], measures: dict[int, Measure], today: date) -> FeedbackOverview:
    counts = {k: 0 for k in FindingKind}
    unsorted = open_ = missing = overdue = 0
    for finding in findings.values():
        if finding.kind is None:
            unsorted += 1 if finding.text else 0
            continue
        counts[finding.kind] += 1
        state = finding_state(finding, measures.get(finding.measure_id or -1), today)
        open_ += state.open
        overdue += state.overdue
        missing += finding.needs_measure and finding.measure_id is None
    return FeedbackOverview(counts, unsorted, open_, missing, overdue)


def merge_finding(current: Finding, changes: dict[str, Any]) -> dict[str, Any]:
    """The whole finding after ``changes``, checked; a kind without a deadline drops the due date."""
    values = {"kind": current.kind, "text": current.text, "due": current.due, **changes}
    if "kind" in changes and check_kind(values["kind"]) not in NEEDS_MEASURE:
        values["due"] = None
    return check_finding(values)


@dataclass(frozen=True)
class AnswerRow:
    """One finding in the organisation's answer to the feedback report, with what it does about it."""

    requirement_id: str
    title: str
    kind: str  # the result's label
    text: str  # the assessors' remark
    due: date | None
    measure: str  # the measure's title, "" when none
    responsible: str
    measure_due: date | None
    state: str  # "Maßnahme geplant, Termin …", "umgesetzt", "Maßnahme fehlt" …
