"""Quality planning data: goals, measures and the gaps of a self-evaluation they come from.

Plain frozen dataclasses and checks with German messages; the store keeps them, pages bind to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.catalog import Catalog
from qmkit.domain.goal_data import check_data_fields
from qmkit.domain.model import Assessment
from qmkit.domain.text import clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _


class MeasureStatus(StrEnum):
    """Where a measure stands (Maßnahmenstatus)."""

    GEPLANT = "geplant"
    IN_UMSETZUNG = "in_umsetzung"
    UMGESETZT = "umgesetzt"
    WIRKSAM = "wirksam"
    VERWORFEN = "verworfen"


STATUS_LABELS = {
    MeasureStatus.GEPLANT: N_("geplant"),
    MeasureStatus.IN_UMSETZUNG: N_("in Umsetzung"),
    MeasureStatus.UMGESETZT: N_("umgesetzt"),
    MeasureStatus.WIRKSAM: N_("wirksam"),
    MeasureStatus.VERWORFEN: N_("verworfen"),
}
OPEN_STATUSES = (MeasureStatus.GEPLANT, MeasureStatus.IN_UMSETZUNG)


class GoalKind(StrEnum):
    """An ordinary quality goal, or a strategic development goal for the next period (LQW)."""

    ZIEL = "ziel"
    ENTWICKLUNGSZIEL = "entwicklungsziel"


GOAL_KIND_LABELS = {
    GoalKind.ZIEL: N_("Qualitätsziel"),
    GoalKind.ENTWICKLUNGSZIEL: N_("Entwicklungsziel (nächste Periode)"),
}


@dataclass(frozen=True)
class Goal:
    """A goal (Ziel) of a cycle with its indicator; numeric indicators have numeric baseline and target."""

    id: int
    cycle_id: int
    title: str
    kind: GoalKind = GoalKind.ZIEL
    why: str = ""
    indicator: str = ""
    numeric: bool = False
    baseline: str = ""
    target: str = ""
    target_date: date | None = None
    requirement_ids: tuple[str, ...] = ()
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0
    strategic_goal_id: int | None = None  # the Leitziel it serves (schema 21)
    data_indicator: str = ""  # the indicator taken from the loaded data ("" = typed by hand)
    data_district: str = ""  # "" = the whole municipality
    data_group: str = ""  # "" = all target groups
    data_year: int | None = None  # the year of the baseline


@dataclass(frozen=True)
class Measure:
    """A measure (Maßnahme): what is done, by whom, from when to when, for which goal and requirements."""

    id: int
    cycle_id: int
    title: str
    responsible: str
    status: MeasureStatus = MeasureStatus.GEPLANT
    description: str = ""
    goal_id: int | None = None
    requirement_ids: tuple[str, ...] = ()
    start: date | None = None
    due: date | None = None
    effort: str = ""
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0

    def is_overdue(self, today: date | None = None) -> bool:
        """Due date passed while the measure is still planned or under way."""
        return self.due is not None and self.status in OPEN_STATUSES and self.due < (today or date.today())


@dataclass(frozen=True)
class Gap:
    """A requirement of the self-evaluation that needs work: rated below "met", or required evidence missing."""

    requirement_id: str
    title: str
    area_id: str
    rating: str | None
    rating_label: str
    below_met: bool
    missing_evidence: bool

    @property
    def reason(self) -> str:
        parts = []
        if self.below_met:
            parts.append(_("bewertet als „{label}“").format(label=self.rating_label))
        if self.missing_evidence:
            parts.append(_("erforderlicher Nachweis fehlt"))
        return "; ".join(parts)


def find_gaps(catalog: Catalog, assessments: dict[str, Assessment]) -> list[Gap]:
    """Rated requirements below "met" (not "not applicable") and rated ones lacking required evidence."""
    gaps = []
    for area in catalog.areas:
        for req in area.all_requirements():
            a = assessments.get(req.id)
            if a is None or a.rating is None:
                continue
            value = catalog.scale.get(a.rating)
            if value is None or value.not_applicable:
                continue
            below = not value.met
            missing = req.evidence_required and not any(e.title.strip() for e in a.evidence)
            if below or missing:
                gaps.append(Gap(req.id, req.title, area.id, a.rating, value.label, below, missing))
    return gaps


# ---------------------------------------------------------------------------- checks

GOAL_TEXT_LIMITS = {"title": 200, "why": 4000, "indicator": 300, "baseline": 100, "target": 100}
MEASURE_TEXT_LIMITS = {"title": 200, "description": 4000, "responsible": 200, "effort": 300}
FIELD_LABELS = {
    "title": N_("Titel"),
    "why": N_("Begründung"),
    "indicator": N_("Indikator"),
    "baseline": N_("Ausgangswert"),
    "target": N_("Zielwert"),
    "description": N_("Beschreibung"),
    "responsible": N_("Verantwortlich"),
    "effort": N_("Aufwand"),
    "start": N_("Beginn"),
    "due": N_("Termin"),
    "target_date": N_("Zieldatum"),
    "done_on": N_("Do – wann"),
    "held_on": N_("Datum"),
    "next_review": N_("Nächste Bewertung"),
    "signed_on": N_("Datum der Freigabe"),
    "requirement_ids": N_("Anforderungen"),
}


def _text(value: Any, name: str, limit: int) -> str:
    return clean_text(value, name, limit=limit, label=FIELD_LABELS[name], multiline=name in ("why", "description"))


def parse_date(value: Any, name: str) -> date | None:
    """A date of a plan, review or workshop field (see :func:`qmkit.domain.text.parse_day`)."""
    return parse_day(value, name, FIELD_LABELS[name])


def _number(text: str, name: str) -> None:
    try:
        float(text.replace(",", "."))
    except ValueError:
        raise InputError(
            _("{label}: Der Indikator ist als Zahl angelegt – bitte eine Zahl eingeben (z. B. 75 oder 12,5).").format(
                label=_(FIELD_LABELS[name])
            ),
            name,
        ) from None


MAX_LINKED = 200
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _requirement_ids(value: Any) -> tuple[str, ...]:
    """Linked requirement ids: a list of catalog ids, each once, at most 200."""
    items = list(value or ())
    if len(items) > MAX_LINKED or not all(isinstance(i, str) and _ID.match(i) for i in items):
        raise InputError(_("Bitte nur Anforderungs-IDs aus dem Katalog auswählen (höchstens 200)."), "requirement_ids")
    return tuple(dict.fromkeys(items))


def check_goal(values: dict[str, Any]) -> dict[str, Any]:
    """The goal's fields as they may be stored, or :class:`InputError` naming the field."""
    clean: dict[str, Any] = {}
    for name, limit in GOAL_TEXT_LIMITS.items():
        clean[name] = _text(values.get(name, ""), name, limit)
    if not clean["title"]:
        raise InputError(_("Bitte einen Titel für das Ziel eingeben."), "title")
    try:
        clean["kind"] = GoalKind(values.get("kind", GoalKind.ZIEL))
    except ValueError:
        raise InputError(_("Unbekannte Zielart."), "kind") from None
    clean["numeric"] = bool(values.get("numeric", False))
    if clean["numeric"]:
        for name in ("baseline", "target"):
            if clean[name]:
                _number(clean[name], name)
    clean["target_date"] = parse_date(values.get("target_date"), "target_date")
    clean["requirement_ids"] = _requirement_ids(values.get("requirement_ids"))
    strategic = values.get("strategic_goal_id")
    try:
        clean["strategic_goal_id"] = int(strategic) if strategic not in (None, "") else None
    except (TypeError, ValueError):
        raise InputError(_("Dieses Leitziel gibt es nicht."), "strategic_goal_id") from None
    clean.update(check_data_fields(values))
    if clean["data_indicator"]:
        clean["numeric"] = True  # a figure from the data is a number
    return clean


def check_measure(values: dict[str, Any]) -> dict[str, Any]:
    """The measure's fields as they may be stored, or :class:`InputError` naming the field."""
    clean: dict[str, Any] = {}
    for name, limit in MEASURE_TEXT_LIMITS.items():
        clean[name] = _text(values.get(name, ""), name, limit)
    if not clean["title"]:
        raise InputError(_("Bitte einen Titel für die Maßnahme eingeben."), "title")
    if not clean["responsible"]:
        raise InputError(_("Jede Maßnahme braucht eine verantwortliche Person."), "responsible")
    try:
        clean["status"] = MeasureStatus(values.get("status", MeasureStatus.GEPLANT))
    except ValueError:
        raise InputError(_("Unbekannter Status."), "status") from None
    clean["start"] = parse_date(values.get("start"), "start")
    clean["due"] = parse_date(values.get("due"), "due")
    if clean["start"] and clean["due"] and clean["due"] < clean["start"]:
        raise InputError(_("Der Termin liegt vor dem Beginn. Bitte Beginn oder Termin ändern."), "due")
    goal_id = values.get("goal_id")
    try:
        clean["goal_id"] = int(goal_id) if goal_id not in (None, "") else None
    except (TypeError, ValueError):
        raise InputError(_("Dieses Ziel gibt es in diesem Zyklus nicht."), "goal_id") from None
    clean["requirement_ids"] = _requirement_ids(values.get("requirement_ids"))
    return clean


def recheck(current: Any, fields: tuple[str, ...], field: str, value: Any, check: Any) -> dict[str, Any]:
    """A record with one field changed, checked as a whole: a bad value never reaches the store."""
    if field not in fields:
        raise InputError(_("Unbekanntes Feld."), field)
    values = {k: getattr(current, k) for k in fields}
    values[field] = value
    return dict(check(values))
