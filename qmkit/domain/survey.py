"""Survey instruments as data: questions, answer scales, groups of respondents, the requirements each informs.

A survey of system partners (QMF: youth offices, schools, therapists, other providers) is anonymous: an instrument
says what is asked, in plain and in easy German; which group a person answers for comes from the link or code.
Instruments load from YAML (``standards/instruments/*.yaml``), validated like catalogs: errors name the file, the
line and the fix. Plain data types and checks, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from qmkit.domain.catalog import Catalog
from qmkit.domain.text import clean_text, parse_day
from qmkit.domain.yaml_data import StrictModel, read_yaml
from qmkit.errors import CatalogError, InputError
from qmkit.i18n import N_, _

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
MAX_TEXT_ANSWER = 2000
MAX_QUESTIONS = 200


class QuestionKind(StrEnum):
    SCALE = "scale"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"


KIND_LABELS = {
    QuestionKind.SCALE: N_("Skala"),
    QuestionKind.SINGLE: N_("eine Antwort"),
    QuestionKind.MULTIPLE: N_("mehrere Antworten"),
    QuestionKind.TEXT: N_("Freitext"),
}


class Choice(StrictModel):
    value: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=200)
    easy: str = Field("", max_length=200)  # the same in easy German
    not_applicable: bool = False  # "kann ich nicht beurteilen": counted, but no score


class Group(StrictModel):
    """A group of respondents: the link (or the printed codes) says for which group a person answers."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=120)


class Question(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1, max_length=1000)
    easy: str = Field("", max_length=1000)
    kind: QuestionKind
    scale: str = ""  # for kind scale: the name of one of the instrument's scales
    choices: tuple[Choice, ...] = ()  # for single and multiple
    informs: tuple[str, ...] = ()  # requirement ids of the catalog the answers inform
    max_length: int = Field(500, ge=1, le=MAX_TEXT_ANSWER)  # for text

    @model_validator(mode="after")
    def _fits_kind(self) -> Question:
        if self.kind == QuestionKind.SCALE and not self.scale:
            raise ValueError(_("eine Skalenfrage braucht „scale: <Name einer Skala>“"))
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(self.choices) < 2:
            raise ValueError(_("eine Auswahlfrage braucht mindestens zwei „choices“"))
        if self.kind in (QuestionKind.TEXT, QuestionKind.SCALE) and self.choices:
            raise ValueError(_("„choices“ gibt es nur bei Auswahlfragen (single, multiple)"))
        return self


class Instrument(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    version: str = Field("1", max_length=40)
    catalog: str = ""  # the catalog whose requirements the questions inform
    intro: str = Field("", max_length=3000)
    intro_easy: str = Field("", max_length=3000)
    threshold: int = Field(5, ge=3, le=1000)  # the smallest group whose answers are shown
    groups: tuple[Group, ...] = Field(min_length=1, max_length=30)
    scales: dict[str, tuple[Choice, ...]] = Field(default_factory=dict)
    questions: tuple[Question, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        for what, ids in (("groups", [g.id for g in self.groups]), ("questions", [q.id for q in self.questions])):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(_("doppelte IDs in „{what}“: {ids}").format(what=what, ids=", ".join(twice)))
        for name, values in self.scales.items():
            if len(values) < 2:
                raise ValueError(_("die Skala „{name}“ braucht mindestens zwei Werte").format(name=name))
        unknown = sorted({q.scale for q in self.questions if q.scale and q.scale not in self.scales})
        if unknown:
            raise ValueError(
                _("unbekannte Skala {names} – bitte unter „scales“ anlegen (vorhanden: {known})").format(
                    names=", ".join(unknown), known=", ".join(sorted(self.scales)) or "–"
                )
            )
        return self

    def choices_of(self, question: Question) -> tuple[Choice, ...]:
        return self.scales[question.scale] if question.kind == QuestionKind.SCALE else question.choices

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise InputError(_("Diese Gruppe gibt es in der Befragung nicht."), "group")


# from best to worst (spread over the scale's length), grey for "kann ich nicht beurteilen"
SCALE_COLORS = ["#2e7d32", "#7cb342", "#f9a825", "#ef6c00", "#c62828"]
CHOICE_COLORS = ["#1f4e79", "#4f81bd", "#90caf9", "#00838f", "#80cbc4", "#6d4c41", "#a1887f", "#5c6bc0"]
NOT_APPLICABLE = "#9e9e9e"


def choice_colors(choices: tuple[Choice, ...], scale: bool) -> dict[str, str]:
    """A colour per answer for charts: a scale from green (best) to red, grey for "kann ich nicht beurteilen"."""
    usable = [c for c in choices if not c.not_applicable]
    if scale:
        last = len(SCALE_COLORS) - 1
        step = last / max(1, len(usable) - 1)
        colors = {c.value: SCALE_COLORS[min(last, round(i * step))] for i, c in enumerate(usable)}
    else:
        colors = {c.value: CHOICE_COLORS[i % len(CHOICE_COLORS)] for i, c in enumerate(usable)}
    colors.update({c.value: NOT_APPLICABLE for c in choices if c.not_applicable})
    return colors


def parse_instrument(text: str, source: str, catalogs: Mapping[str, Catalog] | None = None) -> Instrument:
    """An instrument from YAML; with ``catalogs`` the requirement ids it informs are checked too."""
    doc = read_yaml(
        text,
        source,
        _("kein gültiges Befragungsinstrument"),
        _("ein Instrument braucht id, title, groups, questions"),
    )
    instrument = doc.validate(Instrument)
    if catalogs is not None and instrument.catalog:
        if instrument.catalog not in catalogs:
            raise CatalogError(
                source,
                [
                    doc.problem(
                        ("catalog",),
                        _("Katalog „{id}“ ist nicht geladen – bitte die Katalog-ID korrigieren").format(
                            id=instrument.catalog
                        ),
                    )
                ],
            )
        known = {r.id for r in catalogs[instrument.catalog].requirements()}
        problems = [
            doc.problem(
                ("questions", i, "informs"),
                _("Anforderung „{id}“ gibt es im Katalog „{catalog}“ nicht – bitte die ID korrigieren").format(
                    id=req_id, catalog=instrument.catalog
                ),
            )
            for i, q in enumerate(instrument.questions)
            for req_id in q.informs
            if req_id not in known
        ]
        if problems:
            raise CatalogError(source, problems)
    return instrument


# ------------------------------------------------------------------ one response


def check_answers(instrument: Instrument, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A respondent's answers as stored: question id -> value (scale/single), list (multiple) or text.

    Unknown questions are ignored, an empty answer means "no answer"; a value not in the instrument is refused
    (a forged form), a text longer than allowed is refused with a German message naming the question.
    """
    clean: dict[str, Any] = {}
    for question in instrument.questions:
        value = raw.get(question.id)
        if value in (None, "", []):
            continue
        allowed = {c.value for c in instrument.choices_of(question)}
        if question.kind == QuestionKind.TEXT:
            text = str(value).replace("\r\n", "\n").strip()
            if len(text) > question.max_length:
                raise InputError(
                    _("Die Antwort auf „{q}“ ist zu lang (höchstens {n} Zeichen).").format(
                        q=question.text[:60], n=question.max_length
                    ),
                    question.id,
                )
            if text:
                clean[question.id] = text
        elif question.kind == QuestionKind.MULTIPLE:
            values = [str(v) for v in (value if isinstance(value, list) else [value])]
            if not set(values) <= allowed:
                raise InputError(_("Diese Antwort gibt es hier nicht. Bitte neu wählen."), question.id)
            clean[question.id] = [c.value for c in instrument.choices_of(question) if c.value in values]
        else:
            if isinstance(value, list) or str(value) not in allowed:
                raise InputError(_("Diese Antwort gibt es hier nicht. Bitte neu wählen."), question.id)
            clean[question.id] = str(value)
    return clean


# ------------------------------------------------------------------ a survey of a cycle


class SurveyStatus(StrEnum):
    OFFEN = "offen"
    GESCHLOSSEN = "geschlossen"


@dataclass(frozen=True)
class Survey:
    """An instrument used in one cycle: open between ``opens`` and ``closes`` (both optional) unless closed."""

    id: int
    cycle_id: int
    title: str
    instrument: Instrument
    threshold: int
    opens: date | None
    closes: date | None
    status: SurveyStatus
    max_responses: int
    created_at: str = ""

    def closed_reason(self, today: date) -> str:
        """'' while the survey takes answers, else why not (German, for the respondent)."""
        if self.status == SurveyStatus.GESCHLOSSEN:
            return _("Diese Befragung ist beendet. Vielen Dank für Ihr Interesse.")
        if self.opens and today < self.opens:
            return _("Diese Befragung beginnt am {day}.").format(day=self.opens.strftime("%d.%m.%Y"))
        if self.closes and today > self.closes:
            return _("Diese Befragung ist am {day} zu Ende gegangen.").format(day=self.closes.strftime("%d.%m.%Y"))
        return ""


def check_survey(values: Mapping[str, Any], instrument: Instrument) -> dict[str, Any]:
    """Title, dates, threshold and cap of a new survey as they may be stored."""
    title = clean_text(values.get("title") or instrument.title, "title", limit=200, label=N_("Titel"))
    opens = parse_day(values.get("opens"), "opens", N_("Beginn"))
    closes = parse_day(values.get("closes"), "closes", N_("Ende"))
    if opens and closes and closes < opens:
        raise InputError(_("Das Ende der Befragung liegt vor ihrem Beginn."), "closes")
    try:
        threshold = int(values.get("threshold") or instrument.threshold)
        cap = int(values.get("max_responses") or 2000)
    except (TypeError, ValueError):
        raise InputError(_("Mindestgruppe und Höchstzahl sind ganze Zahlen."), "threshold") from None
    if threshold < 3:
        raise InputError(_("Die Mindestgruppe ist mindestens 3 (sonst erkennt man Einzelne)."), "threshold")
    if not 1 <= cap <= 100_000:
        raise InputError(_("Die Höchstzahl der Antworten liegt zwischen 1 und 100 000."), "max_responses")
    return {"title": title, "opens": opens, "closes": closes, "threshold": threshold, "max_responses": cap}
