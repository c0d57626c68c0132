"""The tables of surveys (schema 12): a survey of a cycle, its group links, paper codes and the responses.

Part of the same :data:`qmkit.store.tables.metadata`. A response names no person and no address: ``respondent``
is a hash of the browser's survey key or of a paper code, so a second response of the same person replaces the
first; ``answered_on`` keeps the day only.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, UniqueConstraint

from qmkit.store.tables import metadata

surveys = Table(
    "surveys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("instrument_id", String(64), nullable=False),
    Column("instrument", JSON, nullable=False),  # the instrument as it was when the survey opened
    Column("threshold", Integer, nullable=False, default=5),
    Column("opens", Date, nullable=True),
    Column("closes", Date, nullable=True),
    Column("status", String(20), nullable=False, default="offen"),  # offen | geschlossen
    Column("max_responses", Integer, nullable=False, default=2000),
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)

survey_links = Table(
    "survey_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", Integer, ForeignKey("surveys.id"), nullable=False, index=True),
    Column("group_id", String(64), nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    UniqueConstraint("survey_id", "group_id", name="uq_survey_link_group"),
)

survey_codes = Table(
    "survey_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", Integer, ForeignKey("surveys.id"), nullable=False, index=True),
    Column("group_id", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),  # the printed code itself is not kept
)

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", Integer, ForeignKey("surveys.id"), nullable=False, index=True),
    Column("group_id", String(64), nullable=False),
    Column("respondent", String(64), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("answered_on", Date, nullable=False),
    UniqueConstraint("survey_id", "respondent", name="uq_survey_response"),
)

__all__ = ["survey_codes", "survey_links", "survey_responses", "surveys"]
