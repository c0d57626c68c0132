"""Goals tied to strategic goals and to the data (DKBM): the municipality's strategic goals (Leitziele), the indicator
of an operational goal taken from the loaded monitoring data or offers register, and its values over the years.

An indicator is one of the needs data's indicators, or the supply per 1,000 of the target population (places or
participants of the offers), for one district or the whole municipality and one target group or all. For the whole
municipality a need indicator is the mean of the districts weighted by their target population (the indicators are
shares and rates: a plain sum would mean nothing); the supply is all places ÷ all of the population × 1,000, as on
the Angebote-und-Bedarfe page (:mod:`qmkit.domain.goal_series` computes the values with pandas; this module
stays free of it, so the participant pages that load the plan's types never load pandas). No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qmkit.domain.text import clean_text, parse_number
from qmkit.errors import InputError
from qmkit.i18n import N_, _

SUPPLY = {"@plaetze": ("places", N_("Plätze je 1.000 der Zielgruppe")),
          "@teilnehmende": ("participants", N_("Teilnehmende je 1.000 der Zielgruppe"))}  # fmt: skip
DATA_FIELDS = ("data_indicator", "data_district", "data_group", "data_year")
STRATEGIC_FIELDS = ("title", "description")
STRATEGIC_LIMITS = {"title": 200, "description": 4000}
STRATEGIC_LABELS = {"title": N_("Leitziel"), "description": N_("Beschreibung")}
DATA_LIMIT = 200


@dataclass(frozen=True)
class StrategicGoal:
    """A strategic goal (Leitziel) of the institution – for a municipality the council's goals; operational goals of
    every cycle refer to it."""

    id: int
    institution_id: int
    title: str
    description: str = ""
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 0


def check_strategic_goal(values: dict[str, Any]) -> dict[str, Any]:
    """A Leitziel's fields as they may be stored, or :class:`InputError` naming the field."""
    clean = {
        name: clean_text(
            values.get(name, ""), name, limit=limit, label=_(STRATEGIC_LABELS[name]), multiline=name == "description"
        )
        for name, limit in STRATEGIC_LIMITS.items()
    }
    if not clean["title"]:
        raise InputError(_("Bitte das Leitziel benennen."), "title")
    return clean


def check_data_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The data link of a goal: indicator, district, target group ("" = all) and the baseline year."""
    clean: dict[str, Any] = {}
    labels = {"data_indicator": N_("Kennzahl"), "data_district": N_("Sozialraum"), "data_group": N_("Zielgruppe")}
    for name, label in labels.items():
        clean[name] = clean_text(values.get(name) or "", name, limit=DATA_LIMIT, label=_(label))
    year = values.get("data_year")
    try:
        clean["data_year"] = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        raise InputError(_("Das Basisjahr muss eine Jahreszahl sein."), "data_year") from None
    if clean["data_year"] is not None and not 1900 <= clean["data_year"] <= 2200:
        raise InputError(_("Das Basisjahr muss eine Jahreszahl sein."), "data_year")
    return clean


@dataclass(frozen=True)
class IndicatorSpec:
    """Which figure a goal follows: an indicator (or a supply key of :data:`SUPPLY`), a district, a target group."""

    indicator: str
    district: str = ""
    group: str = ""

    @property
    def supply(self) -> bool:
        return self.indicator in SUPPLY

    def name(self) -> str:
        return _(SUPPLY[self.indicator][1]) if self.supply else self.indicator

    def text(self) -> str:
        """'Kinder mit Sprachförderbedarf (%) – Nordstadt, 0–5 Jahre' in the page's language."""
        where = self.district or _("alle Sozialräume")
        return f"{self.name()} – {where}, {self.group or _('alle Zielgruppen')}"


def spec_of(goal: Any) -> IndicatorSpec | None:
    """The goal's data link (anything with the ``data_*`` fields), or None."""
    if not getattr(goal, "data_indicator", ""):
        return None
    return IndicatorSpec(goal.data_indicator, goal.data_district, goal.data_group)


@dataclass(frozen=True)
class IndicatorReading:
    """A goal's indicator read from the data: the baseline in its year, the newest value, the path to the target."""

    spec: IndicatorSpec
    series: dict[int, float]
    baseline_year: int | None
    baseline: float | None
    year: int | None  # the newest year with a value
    current: float | None
    target: float | None = None

    @property
    def progress(self) -> float | None:
        """How much of the way from the baseline to the target is done (1.0 = reached; may exceed or be < 0)."""
        if None in (self.baseline, self.current, self.target) or self.target == self.baseline:
            return None
        return (self.current - self.baseline) / (self.target - self.baseline)  # type: ignore[operator]


def number(text: str) -> float | None:
    """A goal's value as typed ('12,5', '1.234,5', '58') or None."""
    try:
        return parse_number(text)
    except ValueError:
        return None


def read_indicator(
    series: dict[int, float], spec: IndicatorSpec, baseline_year: int | None, target: str = ""
) -> IndicatorReading:
    """The reading of ``series``: the baseline in ``baseline_year`` (None: the oldest year), the newest value."""
    years = sorted(series)
    base_year = baseline_year if baseline_year is not None else (years[0] if years else None)
    year = years[-1] if years else None
    return IndicatorReading(
        spec,
        series,
        base_year,
        series.get(base_year) if base_year is not None else None,
        year,
        series.get(year) if year is not None else None,
        number(target),
    )
