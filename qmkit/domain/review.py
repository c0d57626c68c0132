"""PDCA review data: Do/Check/Act per measure, CAF-style PDCA-phase scores, management reviews, plan sign-off.

Plain frozen dataclasses and checks with German messages; the store keeps them, pages and exports read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.goal_data import IndicatorReading
from qmkit.domain.planning import Goal, Measure, parse_date
from qmkit.domain.text import clean_text
from qmkit.errors import InputError
from qmkit.i18n import N_, _


class Effectiveness(StrEnum):
    """Check: did the measure have the intended effect?"""

    JA = "ja"
    TEILWEISE = "teilweise"
    NEIN = "nein"


class ActDecision(StrEnum):
    """Act: what happens with the measure after the check."""

    STANDARD = "standard"
    ANPASSEN = "anpassen"
    VERWERFEN = "verwerfen"
    UEBERTRAGEN = "uebertragen"


EFFECT_LABELS = {Effectiveness.JA: N_("ja"), Effectiveness.TEILWEISE: N_("teilweise"), Effectiveness.NEIN: N_("nein")}
ACT_LABELS = {
    ActDecision.STANDARD: N_("als Standard beibehalten"),
    ActDecision.ANPASSEN: N_("anpassen"),
    ActDecision.VERWERFEN: N_("verwerfen"),
    ActDecision.UEBERTRAGEN: N_("in den nächsten Zyklus übernehmen"),
}

REVIEW_FIELDS = ("done_text", "done_on", "actual", "effect_evidence", "effective", "act", "act_note")
REVIEW_LABELS = {
    "done_text": N_("Do – was wurde getan"),
    "done_on": N_("Do – wann"),
    "actual": N_("Check – Istwert des Indikators"),
    "effect_evidence": N_("Check – Beleg der Wirkung"),
    "effective": N_("Check – wirksam"),
    "act": N_("Act – Entscheidung"),
    "act_note": N_("Act – Anmerkung"),
}
_REVIEW_LIMITS = {"done_text": 4000, "actual": 100, "effect_evidence": 2000, "act_note": 2000}


@dataclass(frozen=True)
class MeasureReview:
    """Do, Check and Act of one measure; empty fields mean 'not reviewed yet'."""

    measure_id: int
    done_text: str = ""
    done_on: date | None = None
    actual: str = ""
    effect_evidence: str = ""
    effective: Effectiveness | None = None
    act: ActDecision | None = None
    act_note: str = ""
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0

    @property
    def reviewed(self) -> bool:
        return self.effective is not None and self.act is not None


def check_review(values: dict[str, Any]) -> dict[str, Any]:
    """The review's fields as they may be stored, or :class:`InputError` naming the field."""
    clean: dict[str, Any] = {}
    for name, limit in _REVIEW_LIMITS.items():
        clean[name] = clean_text(
            values.get(name, ""), name, limit=limit, label=REVIEW_LABELS[name], multiline=name != "actual"
        )
    clean["done_on"] = parse_date(values.get("done_on"), "done_on")
    for name, kind in (("effective", Effectiveness), ("act", ActDecision)):
        raw = values.get(name)
        try:
            clean[name] = kind(raw) if raw not in (None, "") else None
        except ValueError:
            raise InputError(_("Unbekannter Wert für „{label}“.").format(label=_(REVIEW_LABELS[name])), name) from None
    return clean


# ---------------------------------------------------------------------------- CAF PDCA-phase scores

PHASES = ("plan", "do", "check", "act")
PHASE_LABELS = {"plan": N_("Plan"), "do": N_("Do"), "check": N_("Check"), "act": N_("Act")}
# CAF bands of the classical panel: the highest phase an approach has reached.
BANDS = (
    (0, 10, N_("kein Ansatz")),
    (11, 30, N_("Plan")),
    (31, 50, N_("Do")),
    (51, 70, N_("Check")),
    (71, 90, N_("Act")),
    (91, 100, N_("voller PDCA-Zyklus")),
)
# what the page says about the scores (CAF: the Common Assessment Framework scores enablers by PDCA phase)
PDCA_ABOUT = N_(
    "Bewertung nach der Art des Common Assessment Framework (CAF): Punkte von 0 bis 100 dafür, wie weit ein Ansatz "
    "den Kreislauf Planen – Umsetzen – Überprüfen – Verbessern durchlaufen hat."
)
PDCA_HINTS = {
    True: N_("Ein Wert je Zeile: Wie weit ist der Ansatz im PDCA-Zyklus gekommen?"),
    False: N_("Plan, Do, Check und Act werden einzeln bewertet; der Mittelwert steht im Export."),
}


def band_label(level: int) -> str:
    """The CAF band a score 0–100 falls into ('Do', 'voller PDCA-Zyklus', …)."""
    for low, high, label in BANDS:
        if low <= level <= high:
            return _(label)
    raise InputError(_("Der Wert muss zwischen 0 und 100 liegen."), "level")


@dataclass(frozen=True)
class PdcaScore:
    """The PDCA-phase score of one area or requirement: ``level`` (classical) or the four phases (fine-tuned)."""

    cycle_id: int
    target_id: str
    level: int | None = None
    plan: int | None = None
    do: int | None = None
    check: int | None = None
    act: int | None = None
    changed_by: str = ""
    changed_at: str = ""

    @property
    def fine_average(self) -> float | None:
        """Mean of the scored phases (CAF fine-tuned panel), ``None`` while no phase is scored."""
        scored = [v for v in (self.plan, self.do, self.check, self.act) if v is not None]
        return sum(scored) / len(scored) if scored else None


def check_score(field_name: str, value: Any) -> int | None:
    """A score of 0–100 (empty is ``None``)."""
    if field_name not in ("level", *PHASES):
        raise InputError(_("Unbekanntes Feld."), field_name)
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(_("Bitte eine ganze Zahl von 0 bis 100 eingeben."), field_name) from None
    if not 0 <= number <= 100:
        raise InputError(_("Der Wert muss zwischen 0 und 100 liegen."), field_name)
    return number


# ---------------------------------------------------------------------------- management review

MGMT_FIELDS = ("held_on", "participants", "inputs", "decisions", "next_review")
MGMT_LABELS = {
    "held_on": N_("Datum"),
    "participants": N_("Teilnehmende"),
    "inputs": N_("Eingaben"),
    "decisions": N_("Entscheidungen"),
    "next_review": N_("Nächste Bewertung"),
}
_MGMT_LIMITS = {"participants": 1000, "inputs": 8000, "decisions": 8000}


@dataclass(frozen=True)
class ManagementReview:
    """A management review (Managementbewertung): when, who, what went in, what was decided, when next."""

    id: int
    cycle_id: int
    held_on: date | None = None
    participants: str = ""
    inputs: str = ""
    decisions: str = ""
    next_review: date | None = None
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0


def check_management_review(values: dict[str, Any]) -> dict[str, Any]:
    """The record's fields as they may be stored, or :class:`InputError` naming the field."""
    clean: dict[str, Any] = {}
    for name, limit in _MGMT_LIMITS.items():
        clean[name] = clean_text(
            values.get(name, ""), name, limit=limit, label=MGMT_LABELS[name], multiline=name != "participants"
        )
    clean["held_on"] = parse_date(values.get("held_on"), "held_on")
    clean["next_review"] = parse_date(values.get("next_review"), "next_review")
    if clean["held_on"] and clean["next_review"] and clean["next_review"] <= clean["held_on"]:
        raise InputError(_("Die nächste Bewertung muss nach dem Datum dieser Bewertung liegen."), "next_review")
    return clean


# ---------------------------------------------------------------------------- sign-off of the plan


@dataclass(frozen=True)
class SignOff:
    """Management sign-off (Freigabe) of a cycle's plan: who, on which day, recorded when."""

    id: int
    cycle_id: int
    name: str
    signed_on: date
    note: str = ""
    recorded_at: str = ""


def check_signoff(name: Any, signed_on: Any, note: Any = "") -> dict[str, Any]:
    clean_name = clean_text(name, "name", limit=200, label=N_("Name"))
    if not clean_name:
        raise InputError(_("Bitte den Namen der freigebenden Person eingeben."), "name")
    day = parse_date(signed_on, "signed_on")
    if day is None:
        raise InputError(_("Bitte das Datum der Freigabe eingeben."), "signed_on")
    return {"name": clean_name, "signed_on": day, "note": clean_text(note, "note", limit=1000, label=N_("Anmerkung"))}


@dataclass(frozen=True)
class PlanData:
    """A cycle's plan and review as read at one moment: what the plan and review sheets of an export show."""

    goals: tuple[Goal, ...] = ()
    measures: tuple[Measure, ...] = ()
    reviews: dict[int, MeasureReview] = field(default_factory=dict)
    signoffs: tuple[SignOff, ...] = ()
    management_reviews: tuple[ManagementReview, ...] = ()
    pdca_scores: dict[str, PdcaScore] = field(default_factory=dict)
    carried_from: dict[int, int] = field(default_factory=dict)
    strategic: dict[int, str] = field(default_factory=dict)  # Leitziel id → title
    readings: dict[int, IndicatorReading] = field(default_factory=dict)  # goal id → its indicator from the data

    def review(self, measure_id: int) -> MeasureReview:
        return self.reviews.get(measure_id, MeasureReview(measure_id))
