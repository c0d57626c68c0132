"""Surveys as stored: the survey, its group links and paper codes, and the anonymous responses (reads, writes).

The service (:mod:`qmkit.services.surveys`) checks rights and values; the store keeps what belongs inside the
write transaction: the cap of responses is checked with the survey row locked, and a respondent's second
response replaces the first in one ``INSERT … ON CONFLICT`` statement.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update

from qmkit.domain.model import now_iso
from qmkit.domain.survey import Instrument, Survey, SurveyStatus
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store import survey_tables as st
from qmkit.store.engine import Database, new_id, upsert
from qmkit.store.failures import retrying


def _survey(row: Any) -> Survey:
    return Survey(
        row.id,
        row.cycle_id,
        row.title,
        Instrument.model_validate(row.instrument),
        row.threshold,
        row.opens,
        row.closes,
        SurveyStatus(row.status),
        row.max_responses,
        row.created_at,
    )


class Surveys:
    def __init__(self, db: Database):
        self.db = db

    @retrying
    def create(
        self, cycle_id: int, instrument: Instrument, values: dict[str, Any], tokens: dict[str, str], by: str
    ) -> Survey:
        """A new, open survey with one link token per group of the instrument."""
        with self.db.write() as conn:
            made = new_id(
                conn.execute(
                    insert(st.surveys).values(
                        cycle_id=cycle_id,
                        instrument_id=instrument.id,
                        instrument=instrument.model_dump(mode="json"),
                        status=SurveyStatus.OFFEN.value,
                        created_by=by,
                        created_at=now_iso(),
                        **values,
                    )
                )
            )
            for group_id, token in tokens.items():
                conn.execute(insert(st.survey_links).values(survey_id=made, group_id=group_id, token=token))
        return self.get(made)

    def get(self, survey_id: int) -> Survey:
        missing = _("Die Befragung Nr. {id} gibt es nicht.").format(id=survey_id)
        return _survey(self.db.one(select(st.surveys).where(st.surveys.c.id == survey_id), missing))

    def of_cycle(self, cycle_id: int) -> list[Survey]:
        query = select(st.surveys).where(st.surveys.c.cycle_id == cycle_id).order_by(st.surveys.c.id.desc())
        with self.db.read() as conn:
            return [_survey(r) for r in conn.execute(query).all()]

    def links(self, survey_id: int) -> dict[str, str]:
        """Group id -> link token."""
        query = select(st.survey_links).where(st.survey_links.c.survey_id == survey_id)
        with self.db.read() as conn:
            return {r.group_id: r.token for r in conn.execute(query).all()}

    def by_token(self, token: str) -> tuple[Survey, str] | None:
        """The survey and group a link token opens."""
        query = select(st.survey_links).where(st.survey_links.c.token == token)
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return (self.get(row.survey_id), row.group_id) if row is not None else None

    @retrying
    def add_codes(self, survey_id: int, group_id: str, hashes: list[str]) -> None:
        with self.db.write() as conn:
            for code_hash in hashes:
                conn.execute(
                    insert(st.survey_codes).values(survey_id=survey_id, group_id=group_id, code_hash=code_hash)
                )

    def by_code(self, code_hash: str) -> tuple[Survey, str] | None:
        query = select(st.survey_codes).where(st.survey_codes.c.code_hash == code_hash)
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return (self.get(row.survey_id), row.group_id) if row is not None else None

    def codes(self, survey_id: int) -> dict[str, int]:
        """Group id -> number of paper codes made."""
        c = st.survey_codes
        query = select(c.c.group_id, func.count()).where(c.c.survey_id == survey_id).group_by(c.c.group_id)
        with self.db.read() as conn:
            return {g: n for g, n in conn.execute(query).all()}

    @retrying
    def set_status(self, survey_id: int, status: SurveyStatus) -> Survey:
        with self.db.write() as conn:
            conn.execute(update(st.surveys).where(st.surveys.c.id == survey_id).values(status=status.value))
        return self.get(survey_id)

    @retrying
    def respond(self, survey_id: int, group_id: str, respondent: str, answers: dict[str, Any], day: date) -> bool:
        """Store a response; ``True`` when it replaced the respondent's earlier one. The cap is checked with the
        survey row locked, so two respondents at once cannot both pass it."""
        r = st.survey_responses
        with self.db.write() as conn:
            survey = conn.execute(select(st.surveys).where(st.surveys.c.id == survey_id).with_for_update()).first()
            if survey is None or survey.status != SurveyStatus.OFFEN.value:
                raise InputError(_("Diese Befragung nimmt keine Antworten mehr an."), "survey")
            earlier = conn.execute(
                select(r.c.id).where((r.c.survey_id == survey_id) & (r.c.respondent == respondent))
            ).first()
            if earlier is None:
                count = conn.execute(select(func.count()).select_from(r).where(r.c.survey_id == survey_id)).scalar()
                if (count or 0) >= survey.max_responses:
                    raise InputError(_("Diese Befragung hat schon alle vorgesehenen Antworten. Vielen Dank!"), "survey")
            values = {"group_id": group_id, "answers": answers, "answered_on": day}
            upsert(conn, r, {"survey_id": survey_id, "respondent": respondent}, values)
        return earlier is not None

    def responses(self, survey_id: int) -> list[tuple[str, dict[str, Any]]]:
        """(group id, answers) of every response, in no particular order of time."""
        r = st.survey_responses
        query = select(r.c.group_id, r.c.answers).where(r.c.survey_id == survey_id).order_by(r.c.respondent)
        with self.db.read() as conn:
            return [(g, a) for g, a in conn.execute(query).all()]

    def response_of(self, survey_id: int, respondent: str) -> dict[str, Any] | None:
        r = st.survey_responses
        query = select(r.c.answers).where((r.c.survey_id == survey_id) & (r.c.respondent == respondent))
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return row.answers if row is not None else None
