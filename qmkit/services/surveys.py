"""Surveys of a cycle (e.g. QMF's survey of system partners), checked: the QMB's side and the respondents' side.

The QMB (right *verwalten* in the institution) opens a survey from an instrument with a link per group of
respondents, prints single-use codes, closes it and reads the results (right *lesen*), which hide every group
below the threshold. Respondents have no log-in: a link token or a paper code opens the survey for one group; the
browser's survey key (or the code) makes one response per person – a second replaces the first. Nothing about a
respondent is kept but the group, the answers and the day.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.survey import Instrument, Survey, SurveyStatus, check_answers, check_survey
from qmkit.domain.survey_results import SurveyResult, survey_result
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access
from qmkit.store import Store

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_CODES = 2000


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normal_code(code: str) -> str:
    """A printed code as typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class SurveyService:
    def __init__(
        self,
        store: Store,
        instruments: Mapping[str, Instrument],
        access: Access | None = None,
        problems: Sequence[str] = (),
    ):
        self.store, self.instruments = store, instruments
        self.access = access or Access(store)
        self.problems = list(problems)  # instrument files that could not be loaded (file, line, fix)

    def _cycle_institution(self, cycle_id: int) -> int:
        return self.store.cycles.get(int(cycle_id)).institution_id

    def _survey(self, survey_id: int, right: Right) -> Survey:
        survey = self.store.surveys.get(int(survey_id))
        self.access.require(self._cycle_institution(survey.cycle_id), right)
        return survey

    def instrument(self, instrument_id: str) -> Instrument:
        if instrument_id not in self.instruments:
            known = ", ".join(sorted(self.instruments)) or "–"
            raise NotFoundError(
                _("Ein Instrument „{id}“ gibt es nicht (vorhanden: {known}).").format(id=instrument_id, known=known)
            )
        return self.instruments[instrument_id]

    def create(self, cycle_id: int, instrument: Instrument, values: Mapping[str, Any]) -> Survey:
        """Open a survey of ``instrument`` in the cycle, with one link per group."""
        self.access.require(self._cycle_institution(cycle_id), Right.MANAGE)
        clean = check_survey(values, instrument)
        tokens = {g.id: secrets.token_urlsafe(18) for g in instrument.groups}
        return self.store.surveys.create(int(cycle_id), instrument, clean, tokens, self.access.who())

    def surveys(self, cycle_id: int) -> list[Survey]:
        self.access.require(self._cycle_institution(cycle_id), Right.READ)
        return self.store.surveys.of_cycle(int(cycle_id))

    def links(self, survey_id: int) -> dict[str, str]:
        """Group id -> link token (the people of a group answer through it)."""
        self._survey(survey_id, Right.MANAGE)
        return self.store.surveys.links(int(survey_id))

    def make_codes(self, survey_id: int, group_id: str, count: int) -> list[str]:
        """``count`` single-use codes for a group, to print on paper; only their hashes are kept."""
        survey = self._survey(survey_id, Right.MANAGE)
        survey.instrument.group(group_id)
        if not 1 <= int(count) <= MAX_CODES:
            raise InputError(_("Bitte zwischen 1 und {n} Codes wählen.").format(n=MAX_CODES), "count")
        codes = [new_code() for _ in range(int(count))]
        self.store.surveys.add_codes(survey.id, group_id, [_hash(normal_code(c)) for c in codes])
        return codes

    def close(self, survey_id: int) -> Survey:
        self._survey(survey_id, Right.MANAGE)
        return self.store.surveys.set_status(int(survey_id), SurveyStatus.GESCHLOSSEN)

    def reopen(self, survey_id: int) -> Survey:
        self._survey(survey_id, Right.MANAGE)
        return self.store.surveys.set_status(int(survey_id), SurveyStatus.OFFEN)

    def report(self, survey_id: int) -> tuple[Survey, SurveyResult, str]:
        """The survey, its anonymous results and the institution's name (for the Excel report)."""
        survey = self._survey(survey_id, Right.READ)
        institution = self.store.institutions.get(self._cycle_institution(survey.cycle_id)).name
        return survey, self.result(survey.id), institution

    def informing(self, cycle_id: int) -> dict[str, list[tuple[Survey, SurveyResult]]]:
        """Requirement id -> the surveys of the cycle with a question that informs it (results as shown)."""
        found: dict[str, list[tuple[Survey, SurveyResult]]] = {}
        for survey in self.surveys(cycle_id):
            result = survey_result(survey.instrument, self.store.surveys.responses(survey.id), survey.threshold)
            for req_id in sorted({r for q in survey.instrument.questions for r in q.informs}):
                found.setdefault(req_id, []).append((survey, result))
        return found

    def result(self, survey_id: int) -> SurveyResult:
        """The anonymous results (groups below the threshold hidden everywhere)."""
        survey = self._survey(survey_id, Right.READ)
        return survey_result(survey.instrument, self.store.surveys.responses(survey.id), survey.threshold)


@dataclass(frozen=True)
class Door:
    """What a link or code opens: the survey and the group the person answers for."""

    survey: Survey
    group_id: str
    respondent: str  # hash naming the response (from the browser's key or the code)


class Respondents:
    """The respondents' side: no log-in, no role – the link token or the code is the permission."""

    def __init__(self, store: Store):
        self.store = store

    def by_link(self, token: str, browser_key: str) -> Door:
        found = self.store.surveys.by_token(token) if token else None
        if found is None:
            raise NotFoundError(_("Dieser Link ist ungültig. Bitte den Link aus der Einladung verwenden."))
        survey, group = found
        return Door(survey, group, _hash(f"{survey.id}:link:{browser_key}"))

    def by_code(self, code: str) -> Door:
        found = self.store.surveys.by_code(_hash(normal_code(code))) if normal_code(code) else None
        if found is None:
            raise NotFoundError(_("Diesen Code gibt es nicht. Bitte den Code so eingeben, wie er auf dem Blatt steht."))
        survey, group = found
        return Door(survey, group, _hash(f"{survey.id}:code:{normal_code(code)}"))

    def earlier(self, door: Door) -> dict[str, Any]:
        """The person's stored answers (a reload or a reopened link continues with them)."""
        return self.store.surveys.response_of(door.survey.id, door.respondent) or {}

    def respond(self, door: Door, raw: Mapping[str, Any], today: date | None = None) -> bool:
        """Store the answers (all of them, replacing the person's earlier ones); ``True`` when replaced."""
        day = today or date.today()
        reason = door.survey.closed_reason(day)
        if reason:
            raise InputError(reason, "survey")
        answers = check_answers(door.survey.instrument, raw)
        return self.store.surveys.respond(door.survey.id, door.group_id, door.respondent, answers, day)
