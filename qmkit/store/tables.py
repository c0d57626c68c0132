"""The current table layout of the store (SQLAlchemy Core), used by queries and by the first migration."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

institutions = Table(
    "institutions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("qmb", String(200), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)

cycles = Table(
    "cycles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("catalog_id", String(64), nullable=False),
    Column("catalog_version", String(64), nullable=False),
    Column("requirement_ids", JSON, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("institution_id", "name", name="uq_cycle_name"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("requirement_id", String(64), primary_key=True),
    Column("rating", String(64), nullable=True),
    Column("implementation", Text, nullable=False, default=""),
    Column("responsible", String(200), nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=0),
)

# The evidence references of release 0.1 (``evidence_refs``) became the register below in schema version 5;
# their frozen definition lives in :mod:`qmkit.store.migrations`.

# ---- added in schema version 21: the institution's strategic goals (Leitziele) that goals of every cycle serve

strategic_goals = Table(
    "strategic_goals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
)

# ---- added in schema version 2 (quality planning)

goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("why", Text, nullable=False, default=""),
    Column("indicator", String(300), nullable=False, default=""),
    Column("numeric", Boolean, nullable=False, default=False),
    Column("baseline", String(100), nullable=False, default=""),
    Column("target", String(100), nullable=False, default=""),
    Column("target_date", Date, nullable=True),
    Column("requirement_ids", JSON, nullable=False, default=list),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
    # schema 21: the Leitziel it serves and its indicator from the loaded data (DKBM)
    Column("strategic_goal_id", Integer, ForeignKey("strategic_goals.id"), nullable=True, index=True),
    Column("data_indicator", String(200), nullable=False, default="", server_default=""),
    Column("data_district", String(200), nullable=False, default="", server_default=""),
    Column("data_group", String(200), nullable=False, default="", server_default=""),
    Column("data_year", Integer, nullable=True),
)

measures = Table(
    "measures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("goal_id", Integer, ForeignKey("goals.id"), nullable=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("requirement_ids", JSON, nullable=False, default=list),
    Column("responsible", String(200), nullable=False),
    Column("start", Date, nullable=True),
    Column("due", Date, nullable=True),
    Column("status", String(32), nullable=False),
    Column("effort", String(300), nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
)

# ---- added in schema version 3 (PDCA review, sign-off, cycle to cycle)

plan_signoffs = Table(
    "plan_signoffs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_at", String(40), nullable=False),
)

measure_reviews = Table(
    "measure_reviews",
    metadata,
    Column("measure_id", Integer, ForeignKey("measures.id"), primary_key=True),
    Column("done_text", Text, nullable=False, default=""),
    Column("done_on", Date, nullable=True),
    Column("actual", String(100), nullable=False, default=""),
    Column("effect_evidence", Text, nullable=False, default=""),
    Column("effective", String(32), nullable=True),
    Column("act", String(32), nullable=True),
    Column("act_note", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
)

pdca_scores = Table(
    "pdca_scores",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("target_id", String(64), primary_key=True),
    Column("level", Integer, nullable=True),
    Column("plan_score", Integer, nullable=True),
    Column("do_score", Integer, nullable=True),
    Column("check_score", Integer, nullable=True),
    Column("act_score", Integer, nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

management_reviews = Table(
    "management_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("held_on", Date, nullable=True),
    Column("participants", Text, nullable=False, default=""),
    Column("inputs", Text, nullable=False, default=""),
    Column("decisions", Text, nullable=False, default=""),
    Column("next_review", Date, nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
)

# A cycle started from a previous one; its copied answers stay marked until someone confirms them.
cycle_origins = Table(
    "cycle_origins",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("previous_cycle_id", Integer, ForeignKey("cycles.id"), nullable=False),
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)

baseline_marks = Table(
    "baseline_marks",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("requirement_id", String(64), primary_key=True),
)

measure_origins = Table(
    "measure_origins",
    metadata,
    Column("measure_id", Integer, ForeignKey("measures.id"), primary_key=True),
    Column("from_measure_id", Integer, ForeignKey("measures.id"), nullable=False),
)

# ---- added in schema version 4 (workshops)

workshops = Table(
    "workshops",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("requirement_ids", JSON, nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Column("facilitator_token", String(64), nullable=False, unique=True),
    Column("join_code", String(12), nullable=False, unique=True),
    Column("named", Boolean, nullable=False, default=False),
    Column("threshold", Integer, nullable=False, default=3),
    Column("created_at", String(40), nullable=False),
)

workshop_participants = Table(
    "workshop_participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False, index=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False, default=""),
    Column("role_group", String(100), nullable=False, default=""),
    Column("joined_at", String(40), nullable=False),
)

workshop_ratings = Table(
    "workshop_ratings",
    metadata,
    Column("participant_id", Integer, ForeignKey("workshop_participants.id"), primary_key=True),
    Column("requirement_id", String(64), primary_key=True),
    Column("value", String(64), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

workshop_dots = Table(
    "workshop_dots",
    metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id"), primary_key=True),
    Column("requirement_id", String(64), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("dots", Integer, nullable=False, default=0),
)

workshop_consensus = Table(
    "workshop_consensus",
    metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id"), primary_key=True),
    Column("requirement_id", String(64), primary_key=True),
    Column("rating", String(64), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("dissent", Text, nullable=False, default=""),
    Column("decided_by", String(200), nullable=False, default=""),
    Column("decided_at", String(40), nullable=False),
)

# ---- added in schema version 5 (evidence register)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False, index=True),
    Column("title", String(300), nullable=False, default=""),
    Column("kind", String(32), nullable=False, default="sonstiges"),
    Column("version", String(100), nullable=False, default=""),
    Column("effective_on", Date, nullable=True),
    Column("owner", String(200), nullable=False, default=""),
    Column("review_on", Date, nullable=True),
    Column("on_site_only", Boolean, nullable=False, default=False),
    Column("location", String(500), nullable=False, default=""),
    Column("file_hash", String(64), nullable=True, index=True),
    Column("file_name", String(255), nullable=False, default=""),
    Column("file_size", Integer, nullable=False, default=0),
    Column("media_type", String(100), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
)

# A document serving one requirement in one cycle (one document, many requirements, many cycles).
evidence_links = Table(
    "evidence_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("requirement_id", String(64), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False, default=0),
    Column("linked_by", String(200), nullable=False, default=""),
    Column("linked_at", String(40), nullable=False),
    UniqueConstraint("cycle_id", "requirement_id", "document_id", name="uq_evidence_link"),
)

# ---- added in schema version 6 (certification timeline)

# The certificate of a cycle: its date and, when the certificate states one, its end of validity.
certifications = Table(
    "certifications",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("certified_on", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

# Planned and done dates of procedure steps ("schritt:<id>") and deadlines ("frist:<id>[:<n>]") of a cycle.
timeline_dates = Table(
    "timeline_dates",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("item_key", String(80), primary_key=True),
    Column("planned", Date, nullable=True),
    Column("done", Date, nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

# The assessors' feedback report: its head (one per cycle) and a finding per requirement.
feedback_reports = Table(
    "feedback_reports",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("received_on", Date, nullable=True),
    Column("assessors", String(300), nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

feedback_findings = Table(
    "feedback_findings",
    metadata,
    Column("cycle_id", Integer, ForeignKey("cycles.id"), primary_key=True),
    Column("requirement_id", String(64), primary_key=True),
    Column("kind", String(20), nullable=True),
    Column("text", Text, nullable=False, default=""),
    Column("due", Date, nullable=True),
    Column("measure_id", Integer, ForeignKey("measures.id"), nullable=True),
    Column("source", String(300), nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=0),
)

# People of a shared installation (log-in through JupyterHub) and their role per institution (schema 9).
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(128), nullable=False, unique=True),
    Column("name", String(200), nullable=False, default=""),
    Column("admin", Boolean, nullable=False, default=False),
    Column("created_at", String(40), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("granted_by", String(200), nullable=False, default=""),
    Column("granted_at", String(40), nullable=False),
)
