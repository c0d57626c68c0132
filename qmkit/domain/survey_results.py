"""The results of a survey: per question and group how many answered what, never who.

A figure is shown for a group only when at least ``threshold`` people of that group answered the survey;
below it the group says "zu wenige Antworten" and nothing else – no counts, no median, no free text. Free texts
are listed (sorted, so their order tells nothing about who answered when) only for groups at the threshold.
"Alle" is hidden as well while the hidden groups together have fewer than ``threshold`` people (else the
difference to the shown groups would give them away). Scale answers become scores (first value 100, last usable
0, "kann ich nicht beurteilen" none) for the median.
Pure functions over plain data.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qmkit.domain.network_comparison import value_scores
from qmkit.domain.survey import Instrument, Question, QuestionKind
from qmkit.i18n import _

ALL = "alle"

Answers = Mapping[str, Any]  # question id -> value, list of values or text


@dataclass(frozen=True)
class Cell:
    """One question for one group (or for everyone): ``None`` fields when the group is below the threshold."""

    group_id: str
    respondents: int  # people of the group who answered the survey
    answered: int  # of those, who answered this question
    counts: dict[str, int] | None
    median: float | None = None  # scale questions: median score 0–100
    median_label: str = ""
    texts: tuple[str, ...] | None = None  # text questions

    @property
    def shown(self) -> bool:
        return self.counts is not None or self.texts is not None


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    cells: tuple[Cell, ...]  # one per group, then ALL

    def cell(self, group_id: str) -> Cell:
        return next(c for c in self.cells if c.group_id == group_id)


@dataclass(frozen=True)
class SurveyResult:
    instrument: Instrument
    threshold: int
    respondents: dict[str, int]  # group id -> respondents, and ALL
    questions: tuple[QuestionResult, ...]

    def hidden_note(self, group_id: str) -> str:
        n = self.respondents.get(group_id, 0)
        if group_id == ALL and n >= self.threshold:
            return _("verborgen: sonst ließen sich die kleinen Gruppen herausrechnen")
        return _("zu wenige Antworten ({n} von mindestens {min})").format(n=n, min=self.threshold)

    def informing(self, requirement_id: str) -> list[QuestionResult]:
        """The questions whose answers inform a requirement of the catalog."""
        return [q for q in self.questions if requirement_id in q.question.informs]


def _cell(
    instrument: Instrument, question: Question, group_id: str, answers: Sequence[Answers], threshold: int
) -> Cell:
    given = [a[question.id] for a in answers if question.id in a]
    if len(answers) < threshold:
        return Cell(group_id, len(answers), len(given), None)
    if question.kind == QuestionKind.TEXT:
        return Cell(group_id, len(answers), len(given), None, texts=tuple(sorted(str(t) for t in given)))
    choices = instrument.choices_of(question)
    counts = {c.value: 0 for c in choices}
    for value in given:
        for one in value if isinstance(value, list) else [value]:
            if one in counts:
                counts[one] += 1
    if question.kind != QuestionKind.SCALE:
        return Cell(group_id, len(answers), len(given), counts)
    scores = value_scores(list(choices))
    usable = [scores[v] for v in given if v in scores]
    if not usable:
        return Cell(group_id, len(answers), len(given), counts)
    median = round(statistics.median(usable), 4)
    label = min(
        (c for c in choices if c.value in scores), key=lambda c: (abs(scores[c.value] - median), -scores[c.value])
    )
    return Cell(group_id, len(answers), len(given), counts, median, label.label)


def survey_result(instrument: Instrument, responses: Sequence[tuple[str, Answers]], threshold: int) -> SurveyResult:
    """``responses``: (group id, answers) of every respondent. Groups below ``threshold`` show nothing."""
    by_group: dict[str, list[Answers]] = {g.id: [] for g in instrument.groups}
    for group_id, answers in responses:
        by_group.setdefault(group_id, []).append(answers)
    everyone = [a for _g, a in responses]
    respondents = {g: len(a) for g, a in by_group.items()} | {ALL: len(everyone)}
    # "everyone" minus the groups shown must not give away a small group: with 1 … threshold-1 people in hidden
    # groups together, "alle" stays hidden too
    hidden = sum(n for g, n in respondents.items() if g != ALL and 0 < n < threshold)
    limit_all = threshold if hidden == 0 or hidden >= threshold else len(everyone) + 1
    results = []
    for question in instrument.questions:
        cells = [_cell(instrument, question, g.id, by_group[g.id], threshold) for g in instrument.groups]
        cells.append(_cell(instrument, question, ALL, everyone, limit_all))
        results.append(QuestionResult(question, tuple(cells)))
    return SurveyResult(instrument, threshold, respondents, tuple(results))
