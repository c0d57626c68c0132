"""The one storage module: every read and write of qmkit goes through :class:`Store`.

SQLite by default (WAL, busy timeout, ``BEGIN IMMEDIATE`` so several Voilà kernels can write at once),
any SQLAlchemy URL through ``QMKIT_DB``. One short transaction per change; never held across user input.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from qmkit.config import database_url
from qmkit.domain.catalog import Catalog
from qmkit.domain.evidence import Document, DocumentKind
from qmkit.domain.feedback import (
    NEEDS_MEASURE,
    Finding,
    FindingKind,
    ReportHead,
    check_finding,
    check_head,
    check_kind,
    measure_values,
)
from qmkit.domain.model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution, now_iso
from qmkit.domain.planning import OPEN_STATUSES, Gap, Goal, GoalKind, Measure, MeasureStatus, check_goal, check_measure
from qmkit.domain.review import (
    MGMT_FIELDS,
    REVIEW_FIELDS,
    ActDecision,
    Effectiveness,
    ManagementReview,
    MeasureReview,
    PdcaScore,
    PlanData,
    SignOff,
    check_management_review,
    check_review,
    check_score,
    check_signoff,
)
from qmkit.domain.text import clean_text
from qmkit.domain.timeline import Certification, ItemDates, check_certification, check_item_date
from qmkit.domain.workshop import (
    CANNOT_JUDGE,
    Consensus,
    Participant,
    Workshop,
    WorkshopRating,
    WorkshopResult,
    aggregate,
    check_answer,
    check_workshop,
    comments_shown,
    new_join_code,
    new_token,
    same_token,
    valid_key,
)
from qmkit.errors import InputError, NotFoundError, StoreError
from qmkit.i18n import _
from qmkit.store import tables as schema
from qmkit.store.migrations import migrate

log = logging.getLogger(__name__)

SQLITE_BUSY_MS = 10_000


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN IMMEDIATE
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _new_id(result: Any) -> int:
    """The primary key of a row just inserted."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _row_institution(row: Any) -> Institution:
    return Institution(id=row.id, name=row.name, qmb=row.qmb, created_at=row.created_at)


def _row_cycle(row: Any) -> Cycle:
    return Cycle(
        id=row.id,
        institution_id=row.institution_id,
        name=row.name,
        catalog_id=row.catalog_id,
        catalog_version=row.catalog_version,
        requirement_ids=tuple(json.loads(row.requirement_ids)),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _row_document(row: Any) -> Document:
    return Document(
        id=row.id,
        institution_id=row.institution_id,
        title=row.title,
        kind=next((k for k in DocumentKind if k.value == row.kind), DocumentKind.SONSTIGES),
        version=row.version,
        effective_on=_day(row.effective_on),
        owner=row.owner,
        review_on=_day(row.review_on),
        on_site_only=bool(row.on_site_only),
        location=row.location,
        file_hash=row.file_hash,
        file_name=row.file_name,
        file_size=row.file_size,
        media_type=row.media_type,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _link_query() -> Any:
    """Links joined with their documents, in the order a requirement shows them."""
    links, docs = schema.evidence_links, schema.documents
    return (
        select(
            links.c.id.label("link_id"),
            links.c.cycle_id,
            links.c.requirement_id,
            links.c.position,
            *docs.c,
        )
        .join(docs, docs.c.id == links.c.document_id)
        .order_by(links.c.requirement_id, links.c.position, links.c.id)
    )


def _row_link(row: Any) -> EvidenceRef:
    return EvidenceRef(
        id=row.link_id,
        cycle_id=row.cycle_id,
        requirement_id=row.requirement_id,
        document=_row_document(row),
        position=row.position,
    )


def _doc_columns(clean: dict[str, Any]) -> dict[str, Any]:
    out = dict(clean)
    for name in ("effective_on", "review_on"):
        if name in out:
            out[name] = _iso(out[name])
    if "kind" in out:
        out["kind"] = str(out["kind"])
    return out


def _upsert(conn: Connection, table: Any, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Update the row with ``keys`` or insert it (inside the caller's write transaction)."""
    where = and_(*(table.c[k] == v for k, v in keys.items()))
    if not conn.execute(update(table).where(where).values(**values)).rowcount:
        conn.execute(insert(table).values(**keys, **values))


def _row_certification(cycle_id: int, row: Any) -> Certification:
    if row is None:
        return Certification(cycle_id)
    return Certification(cycle_id, _day(row.certified_on), _day(row.valid_until), row.changed_by, row.changed_at)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _row_finding(row: Any) -> Finding:
    return Finding(
        cycle_id=row.cycle_id,
        requirement_id=row.requirement_id,
        kind=FindingKind(row.kind) if row.kind else None,
        text=row.text,
        due=_day(row.due),
        measure_id=row.measure_id,
        source=row.source,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _row_goal(row: Any) -> Goal:
    return Goal(
        id=row.id,
        cycle_id=row.cycle_id,
        title=row.title,
        kind=GoalKind(row.kind),
        why=row.why,
        indicator=row.indicator,
        numeric=bool(row.numeric),
        baseline=row.baseline,
        target=row.target,
        target_date=_day(row.target_date),
        requirement_ids=tuple(json.loads(row.requirement_ids)),
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _row_measure(row: Any) -> Measure:
    return Measure(
        id=row.id,
        cycle_id=row.cycle_id,
        goal_id=row.goal_id,
        title=row.title,
        description=row.description,
        requirement_ids=tuple(json.loads(row.requirement_ids)),
        responsible=row.responsible,
        start=_day(row.start),
        due=_day(row.due),
        status=MeasureStatus(row.status),
        effort=row.effort,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _row_review(row: Any) -> MeasureReview:
    return MeasureReview(
        measure_id=row.measure_id,
        done_text=row.done_text,
        done_on=_day(row.done_on),
        actual=row.actual,
        effect_evidence=row.effect_evidence,
        effective=Effectiveness(row.effective) if row.effective else None,
        act=ActDecision(row.act) if row.act else None,
        act_note=row.act_note,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _row_management_review(row: Any) -> ManagementReview:
    return ManagementReview(
        id=row.id,
        cycle_id=row.cycle_id,
        held_on=_day(row.held_on),
        participants=row.participants,
        inputs=row.inputs,
        decisions=row.decisions,
        next_review=_day(row.next_review),
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        revision=row.revision,
    )


def _plan_columns(clean: dict[str, Any]) -> dict[str, Any]:
    """Checked goal/measure fields as table columns (dates as ISO text, requirement ids as JSON)."""
    columns = dict(clean)
    for key in ("start", "due", "target_date", "done_on", "held_on", "next_review", "signed_on"):
        if key in columns:
            columns[key] = _iso(columns[key])
    if "requirement_ids" in columns:
        columns["requirement_ids"] = json.dumps(list(columns["requirement_ids"]))
    for key in ("kind", "status", "effective", "act"):
        if columns.get(key) is not None:
            columns[key] = str(columns[key])
    return columns


_GOAL_FIELDS = ("title", "kind", "why", "indicator", "numeric", "baseline", "target", "target_date", "requirement_ids")
_MEASURE_FIELDS = (
    "title",
    "description",
    "responsible",
    "effort",
    "status",
    "start",
    "due",
    "goal_id",
    "requirement_ids",
)


class Store:
    """Institutions, cycles, assessments and evidence references in one database."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        try:
            if make_url(self.url).get_backend_name() == "sqlite":
                self.engine = _sqlite_engine(self.url)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            with self._tx() as conn:
                self.schema_version = migrate(conn)
        except StoreError:
            raise
        except (SQLAlchemyError, OSError, ValueError) as exc:
            log.exception("store open failed")
            raise StoreError(
                _("Der Datenspeicher kann nicht geöffnet werden ({url}): {err}").format(
                    url=self._safe_url(), err=type(exc).__name__
                )
            ) from exc

    def _safe_url(self) -> str:
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:
            return "?"

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One short write transaction; lock timeouts become a German :class:`StoreError`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            log.warning("store operational error: %s", exc)
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise StoreError(
                    _("Der Datenspeicher ist gerade belegt. Bitte die Eingabe in ein paar Sekunden wiederholen.")
                ) from exc
            raise StoreError(_("Der Datenspeicher meldet einen Fehler: {err}").format(err=exc.orig)) from exc

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ institutions

    def create_institution(self, name: str, qmb: str = "") -> Institution:
        name = name.strip()
        if not name:
            raise InputError(_("Bitte einen Namen für die Einrichtung eingeben."), "name")
        try:
            with self._tx() as conn:
                new_id = _new_id(
                    conn.execute(insert(schema.institutions).values(name=name, qmb=qmb.strip(), created_at=now_iso()))
                )
        except IntegrityError:
            raise InputError(_("Eine Einrichtung „{name}“ gibt es schon.").format(name=name), "name") from None
        return self.get_institution(new_id)

    def _one(self, query: Any, missing: str) -> Any:
        """The first row of ``query``, or :class:`NotFoundError` with the German text ``missing``."""
        with self._tx() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(missing)
        return row

    def get_institution(self, institution_id: int) -> Institution:
        table = schema.institutions
        return _row_institution(
            self._one(
                select(table).where(table.c.id == institution_id),
                _("Die Einrichtung Nr. {id} gibt es nicht.").format(id=institution_id),
            )
        )

    def find_institution(self, name: str) -> Institution:
        table = schema.institutions
        return _row_institution(
            self._one(
                select(table).where(table.c.name == name.strip()),
                _("Eine Einrichtung „{name}“ gibt es nicht.").format(name=name),
            )
        )

    def list_institutions(self) -> list[Institution]:
        with self._tx() as conn:
            rows = conn.execute(select(schema.institutions).order_by(func.lower(schema.institutions.c.name))).all()
        return [_row_institution(r) for r in rows]

    # ------------------------------------------------------------------ cycles

    def create_cycle(self, institution_id: int, name: str, catalog: Catalog) -> Cycle:
        name = name.strip()
        if not name:
            raise InputError(_("Bitte einen Namen für den Zyklus eingeben."), "name")
        self.get_institution(institution_id)
        stamp = now_iso()
        try:
            with self._tx() as conn:
                new_id = _new_id(
                    conn.execute(
                        insert(schema.cycles).values(
                            institution_id=institution_id,
                            name=name,
                            catalog_id=catalog.id,
                            catalog_version=catalog.version,
                            requirement_ids=json.dumps([r.id for r in catalog.requirements()]),
                            created_at=stamp,
                            updated_at=stamp,
                        )
                    )
                )
        except IntegrityError:
            raise InputError(
                _("Einen Zyklus „{name}“ gibt es für diese Einrichtung schon.").format(name=name), "name"
            ) from None
        return self.get_cycle(new_id)

    def get_cycle(self, cycle_id: int) -> Cycle:
        table = schema.cycles
        return _row_cycle(
            self._one(
                select(table).where(table.c.id == cycle_id), _("Den Zyklus Nr. {id} gibt es nicht.").format(id=cycle_id)
            )
        )

    def find_cycle(self, institution_id: int, name: str) -> Cycle:
        table = schema.cycles
        return _row_cycle(
            self._one(
                select(table).where(table.c.institution_id == institution_id, table.c.name == name.strip()),
                _("Einen Zyklus „{name}“ gibt es für diese Einrichtung nicht.").format(name=name),
            )
        )

    def list_cycles(self, institution_id: int | None = None) -> list[Cycle]:
        """Cycles, most recently changed first."""
        query = select(schema.cycles).order_by(schema.cycles.c.updated_at.desc(), schema.cycles.c.id.desc())
        if institution_id is not None:
            query = query.where(schema.cycles.c.institution_id == institution_id)
        with self._tx() as conn:
            return [_row_cycle(r) for r in conn.execute(query).all()]

    def latest_cycle(self) -> Cycle | None:
        cycles = self.list_cycles()
        return cycles[0] if cycles else None

    def catalog_drift(self, cycle: Cycle, catalog: Catalog) -> CatalogDrift:
        """Requirements of the cycle (or with stored answers) that the loaded catalog no longer has, and new ones."""
        now_ids = [r.id for r in catalog.requirements()]
        answered = set(self.assessments(cycle.id))
        before = list(cycle.requirement_ids) + sorted(answered - set(cycle.requirement_ids))
        return CatalogDrift(
            removed=tuple(r for r in before if r not in set(now_ids)),
            added=tuple(r for r in now_ids if r not in set(cycle.requirement_ids)),
            version_changed=cycle.catalog_version != catalog.version,
        )

    # ------------------------------------------------------------------ assessments

    def assessments(self, cycle_id: int) -> dict[str, Assessment]:
        """Every stored assessment of a cycle by requirement id, with its evidence references."""
        with self._tx() as conn:
            rows = conn.execute(select(schema.assessments).where(schema.assessments.c.cycle_id == cycle_id)).all()
            ev_rows = conn.execute(_link_query().where(schema.evidence_links.c.cycle_id == cycle_id)).all()
        evidence: dict[str, list[EvidenceRef]] = {}
        for ev in ev_rows:
            evidence.setdefault(ev.requirement_id, []).append(_row_link(ev))
        result = {
            r.requirement_id: Assessment(
                cycle_id=cycle_id,
                requirement_id=r.requirement_id,
                rating=r.rating,
                implementation=r.implementation,
                responsible=r.responsible,
                evidence=tuple(evidence.pop(r.requirement_id, [])),
                changed_by=r.changed_by,
                changed_at=r.changed_at,
                revision=r.revision,
            )
            for r in rows
        }
        for req_id, refs in evidence.items():  # evidence without any other answer yet
            result[req_id] = Assessment(cycle_id=cycle_id, requirement_id=req_id, evidence=tuple(refs))
        return result

    def assessment(self, cycle_id: int, requirement_id: str) -> Assessment:
        """The assessment of one requirement (an empty one when nothing is stored yet)."""
        with self._tx() as conn:
            row = conn.execute(
                select(schema.assessments).where(
                    schema.assessments.c.cycle_id == cycle_id,
                    schema.assessments.c.requirement_id == requirement_id,
                )
            ).first()
            ev_rows = conn.execute(
                _link_query().where(
                    schema.evidence_links.c.cycle_id == cycle_id,
                    schema.evidence_links.c.requirement_id == requirement_id,
                )
            ).all()
        refs = tuple(_row_link(e) for e in ev_rows)
        if row is None:
            return Assessment(cycle_id=cycle_id, requirement_id=requirement_id, evidence=refs)
        return Assessment(
            cycle_id=cycle_id,
            requirement_id=requirement_id,
            rating=row.rating,
            implementation=row.implementation,
            responsible=row.responsible,
            evidence=refs,
            changed_by=row.changed_by,
            changed_at=row.changed_at,
            revision=row.revision,
        )

    def _touch(self, conn: Connection, cycle_id: int, stamp: str) -> None:
        conn.execute(update(schema.cycles).where(schema.cycles.c.id == cycle_id).values(updated_at=stamp))

    def _bump(self, conn: Connection, cycle_id: int, requirement_id: str, values: dict[str, Any]) -> None:
        """Write ``values`` into the assessment row (creating it), raise its revision, touch the cycle."""
        stamp = values["changed_at"]
        table = schema.assessments
        key = (table.c.cycle_id == cycle_id) & (table.c.requirement_id == requirement_id)
        done = conn.execute(update(table).where(key).values(revision=table.c.revision + 1, **values)).rowcount
        if not done:
            conn.execute(insert(table).values(cycle_id=cycle_id, requirement_id=requirement_id, revision=1, **values))
        marks = schema.baseline_marks
        conn.execute(delete(marks).where(marks.c.cycle_id == cycle_id, marks.c.requirement_id == requirement_id))
        self._touch(conn, cycle_id, stamp)

    def set_assessment_field(
        self, cycle_id: int, requirement_id: str, field: str, value: str | None, user: str = ""
    ) -> Assessment:
        """Store one field of one assessment in its own transaction; the later save wins."""
        if field not in ("rating", "implementation", "responsible"):
            raise ValueError(f"unknown assessment field {field!r}")
        values: dict[str, Any] = {field: value, "changed_by": user, "changed_at": now_iso()}
        with self._tx() as conn:
            self._bump(conn, cycle_id, requirement_id, values)
        return self.assessment(cycle_id, requirement_id)

    # ------------------------------------------------------------------ evidence register

    def add_document(self, institution_id: int, user: str = "", **values: Any) -> Document:
        """A new register entry; ``values`` are checked metadata and, for an upload, the file columns."""
        stamp = now_iso()
        self.get_institution(institution_id)
        with self._tx() as conn:
            new_id = self._insert_document(conn, institution_id, user, stamp, values)
        return self.document(new_id)

    @staticmethod
    def _insert_document(conn: Connection, institution_id: int, user: str, stamp: str, values: dict[str, Any]) -> int:
        return _new_id(
            conn.execute(
                insert(schema.documents).values(
                    institution_id=institution_id,
                    created_at=stamp,
                    changed_at=stamp,
                    changed_by=user,
                    **_doc_columns(values),
                )
            )
        )

    def _insert_link(
        self, conn: Connection, cycle_id: int, requirement_id: str, document_id: int, user: str, stamp: str
    ) -> EvidenceRef:
        """Link a document after the requirement's others (nothing new when it is linked already)."""
        links = schema.evidence_links
        key = (links.c.cycle_id == cycle_id) & (links.c.requirement_id == requirement_id)
        found = conn.execute(select(links.c.id).where(key, links.c.document_id == document_id)).first()
        if found is None:
            pos = conn.execute(select(func.coalesce(func.max(links.c.position), -1)).where(key)).scalar_one()
            conn.execute(
                insert(links).values(
                    cycle_id=cycle_id,
                    requirement_id=requirement_id,
                    document_id=document_id,
                    position=int(pos) + 1,
                    linked_by=user,
                    linked_at=stamp,
                )
            )
            self._bump(conn, cycle_id, requirement_id, {"changed_by": user, "changed_at": stamp})
        return _row_link(conn.execute(_link_query().where(key, links.c.document_id == document_id)).one())

    def document(self, document_id: int) -> Document:
        table = schema.documents
        row = self._one(
            select(table).where(table.c.id == document_id), _("Dieses Dokument gibt es im Nachweisregister nicht mehr.")
        )
        return _row_document(row)

    def documents(self, institution_id: int) -> list[Document]:
        """The institution's register, by title."""
        table = schema.documents
        with self._tx() as conn:
            rows = conn.execute(
                select(table).where(table.c.institution_id == institution_id).order_by(table.c.title, table.c.id)
            ).all()
        return [_row_document(r) for r in rows]

    def document_with_file(self, institution_id: int, digest: str) -> Document | None:
        """The register entry already holding the file with ``digest`` (the same upload twice)."""
        table = schema.documents
        with self._tx() as conn:
            row = conn.execute(
                select(table).where(table.c.institution_id == institution_id, table.c.file_hash == digest).limit(1)
            ).first()
        return _row_document(row) if row else None

    def update_document(self, document_id: int, field: str, value: Any, user: str = "") -> Document:
        """Change one checked metadata field of a document (every requirement using it sees the change)."""
        stamp = now_iso()
        table = schema.documents
        with self._tx() as conn:
            done = conn.execute(
                update(table)
                .where(table.c.id == document_id)
                .values(
                    revision=table.c.revision + 1, changed_at=stamp, changed_by=user, **_doc_columns({field: value})
                )
            ).rowcount
            if not done:
                raise NotFoundError(_("Dieses Dokument gibt es im Nachweisregister nicht mehr."))
        return self.document(document_id)

    def document_usage(self, institution_id: int) -> dict[int, list[tuple[int, str]]]:
        """For each document of the institution: the (cycle id, requirement id) pairs it serves."""
        links, docs = schema.evidence_links, schema.documents
        with self._tx() as conn:
            rows = conn.execute(
                select(links.c.document_id, links.c.cycle_id, links.c.requirement_id)
                .join(docs, docs.c.id == links.c.document_id)
                .where(docs.c.institution_id == institution_id)
                .order_by(links.c.cycle_id, links.c.requirement_id)
            ).all()
        usage: dict[int, list[tuple[int, str]]] = {}
        for row in rows:
            usage.setdefault(row.document_id, []).append((row.cycle_id, row.requirement_id))
        return usage

    def delete_document(self, document_id: int, unlink: bool = False, user: str = "") -> None:
        """Remove a register entry; while requirements use it only with ``unlink`` (the links go too).

        The file stays in the evidence folder while another entry (of any institution) holds the same hash.
        """
        links = schema.evidence_links
        stamp = now_iso()
        with self._tx() as conn:
            used = conn.execute(
                select(links.c.cycle_id, links.c.requirement_id).where(links.c.document_id == document_id)
            ).all()
            if used and not unlink:
                raise InputError(
                    _(
                        "Dieses Dokument ist noch {n} Anforderung(en) zugeordnet. Bitte die Zuordnungen lösen "
                        "oder „mit Zuordnungen löschen“ wählen."
                    ).format(n=len(used)),
                    "delete",
                )
            conn.execute(delete(links).where(links.c.document_id == document_id))
            for cycle_id, req_id in used:
                self._bump(conn, cycle_id, req_id, {"changed_by": user, "changed_at": stamp})
            conn.execute(delete(schema.documents).where(schema.documents.c.id == document_id))

    def files_in_use(self) -> set[str]:
        """Hashes of every file some register entry holds (what the evidence folder must keep)."""
        table = schema.documents
        with self._tx() as conn:
            rows = conn.execute(select(table.c.file_hash).where(table.c.file_hash.is_not(None)).distinct()).all()
        return {r.file_hash for r in rows}

    def link_document(self, cycle_id: int, requirement_id: str, document_id: int, user: str = "") -> EvidenceRef:
        """Let a register document serve a requirement of a cycle (nothing new if it already does)."""
        cycle = self.get_cycle(cycle_id)
        doc = self.document(document_id)
        if doc.institution_id != cycle.institution_id:
            raise InputError(_("Dieses Dokument gehört zu einer anderen Einrichtung."), "document")
        with self._tx() as conn:
            return self._insert_link(conn, cycle_id, requirement_id, document_id, user, now_iso())

    def add_evidence(self, cycle_id: int, requirement_id: str, user: str = "", **fields: Any) -> EvidenceRef:
        """A new register document (checked ``fields``) serving one requirement, in one transaction."""
        stamp = now_iso()
        cycle = self.get_cycle(cycle_id)
        with self._tx() as conn:
            doc_id = self._insert_document(conn, cycle.institution_id, user, stamp, fields)
            return self._insert_link(conn, cycle_id, requirement_id, doc_id, user, stamp)

    def _link(self, conn: Connection, link_id: int) -> Any:
        row = conn.execute(_link_query().where(schema.evidence_links.c.id == link_id)).first()
        if row is None:
            raise NotFoundError(_("Dieser Nachweis wurde inzwischen entfernt."))
        return row

    def update_evidence(self, evidence_id: int, field: str, value: Any, user: str = "") -> EvidenceRef:
        """Change a checked field of the document behind a link (the requirement's revision rises)."""
        if field not in ("title", "version", "location", "on_site_only"):
            raise ValueError(f"unknown evidence field {field!r}")
        stamp = now_iso()
        docs = schema.documents
        with self._tx() as conn:
            row = self._link(conn, evidence_id)
            conn.execute(
                update(docs)
                .where(docs.c.id == row.id)
                .values(revision=docs.c.revision + 1, changed_at=stamp, changed_by=user, **{field: value})
            )
            self._bump(conn, row.cycle_id, row.requirement_id, {"changed_by": user, "changed_at": stamp})
            row = self._link(conn, evidence_id)
        return _row_link(row)

    def remove_evidence(self, evidence_id: int, user: str = "") -> None:
        """Remove a link; the document stays in the register."""
        stamp = now_iso()
        links = schema.evidence_links
        with self._tx() as conn:
            row = conn.execute(select(links).where(links.c.id == evidence_id)).first()
            if row is None:
                return
            conn.execute(delete(links).where(links.c.id == evidence_id))
            self._bump(conn, row.cycle_id, row.requirement_id, {"changed_by": user, "changed_at": stamp})

    def evidence_for_cycle(self, cycle_id: int) -> Sequence[EvidenceRef]:
        with self._tx() as conn:
            rows = conn.execute(_link_query().where(schema.evidence_links.c.cycle_id == cycle_id)).all()
        return [_row_link(r) for r in rows]

    # ------------------------------------------------------------------ quality plan: goals

    def _check_goal_in_cycle(self, conn: Connection, cycle_id: int, goal_id: int | None) -> None:
        if goal_id is None:
            return
        found = conn.execute(
            select(schema.goals.c.id).where(schema.goals.c.id == goal_id, schema.goals.c.cycle_id == cycle_id)
        ).first()
        if found is None:
            raise InputError(_("Dieses Ziel gibt es in diesem Zyklus nicht."), "goal_id")

    def add_goal(self, cycle_id: int, user: str = "", **values: Any) -> Goal:
        """Store a new goal after checking it (title required, numbers for numeric indicators)."""
        self.get_cycle(cycle_id)
        columns = _plan_columns(check_goal(values))
        with self._tx() as conn:
            new_id = _new_id(
                conn.execute(
                    insert(schema.goals).values(cycle_id=cycle_id, changed_by=user, changed_at=now_iso(), **columns)
                )
            )
        return self.goal(new_id)

    def goal(self, goal_id: int) -> Goal:
        table = schema.goals
        return _row_goal(self._one(select(table).where(table.c.id == goal_id), _("Dieses Ziel gibt es nicht mehr.")))

    def goals(self, cycle_id: int) -> list[Goal]:
        table = schema.goals
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id).order_by(table.c.id)).all()
        return [_row_goal(r) for r in rows]

    def _change_field(
        self,
        table: Any,
        current: Any,
        fields: Sequence[str],
        field: str,
        value: Any,
        check: Callable[[dict[str, Any]], dict[str, Any]],
        user: str,
        within: Callable[[Connection, dict[str, Any]], None] | None = None,
    ) -> None:
        """Change one field of a goal, measure or review: the whole record is checked again first, so a bad
        value never reaches the store; revision and who/when are updated. The later save wins."""
        if field not in fields:
            raise InputError(_("Unbekanntes Feld."), field)
        values = {k: getattr(current, k) for k in fields}
        values[field] = value
        clean = check(values)
        with self._tx() as conn:
            if within is not None:
                within(conn, clean)
            conn.execute(
                update(table)
                .where(table.c.id == current.id)
                .values(
                    changed_by=user,
                    changed_at=now_iso(),
                    revision=table.c.revision + 1,
                    **{field: _plan_columns(clean)[field]},
                )
            )

    def update_goal(self, goal_id: int, field: str, value: Any, user: str = "") -> Goal:
        """Change one field; the whole goal is checked again, so a bad value never reaches the store."""
        self._change_field(schema.goals, self.goal(goal_id), _GOAL_FIELDS, field, value, check_goal, user)
        return self.goal(goal_id)

    def delete_goal(self, goal_id: int) -> None:
        """Delete a goal that no measure refers to; otherwise say how many measures still do."""
        with self._tx() as conn:
            linked = conn.execute(
                select(func.count()).select_from(schema.measures).where(schema.measures.c.goal_id == goal_id)
            ).scalar_one()
            if linked:
                raise InputError(
                    _(
                        "Zu diesem Ziel gehören noch {n} Maßnahmen. Bitte sie zuerst einem anderen Ziel zuordnen "
                        "oder löschen."
                    ).format(n=linked),
                    "goal_id",
                )
            conn.execute(delete(schema.goals).where(schema.goals.c.id == goal_id))

    # ------------------------------------------------------------------ quality plan: measures

    def add_measure(self, cycle_id: int, user: str = "", **values: Any) -> Measure:
        """Store a new measure after checking it (title and responsible person required, due after start)."""
        self.get_cycle(cycle_id)
        clean = check_measure(values)
        with self._tx() as conn:
            new_id = self._insert_measure(conn, cycle_id, user, clean)
        return self.measure(new_id)

    def _insert_measure(self, conn: Connection, cycle_id: int, user: str, clean: dict[str, Any]) -> int:
        self._check_goal_in_cycle(conn, cycle_id, clean["goal_id"])
        return _new_id(
            conn.execute(
                insert(schema.measures).values(
                    cycle_id=cycle_id, changed_by=user, changed_at=now_iso(), **_plan_columns(clean)
                )
            )
        )

    def measure(self, measure_id: int) -> Measure:
        table = schema.measures
        return _row_measure(
            self._one(select(table).where(table.c.id == measure_id), _("Diese Maßnahme gibt es nicht mehr."))
        )

    def measures(self, cycle_id: int) -> list[Measure]:
        """The measures of a cycle by due date (those without a date last)."""
        table = schema.measures
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        found = [_row_measure(r) for r in rows]
        return sorted(found, key=lambda m: (m.due is None, m.due or date.max, m.id))

    def update_measure(self, measure_id: int, field: str, value: Any, user: str = "") -> Measure:
        """Change one field of a measure; the whole measure is checked again. The later save wins."""
        current = self.measure(measure_id)

        def goal_in_cycle(conn: Connection, clean: dict[str, Any]) -> None:
            self._check_goal_in_cycle(conn, current.cycle_id, clean["goal_id"])

        self._change_field(schema.measures, current, _MEASURE_FIELDS, field, value, check_measure, user, goal_in_cycle)
        return self.measure(measure_id)

    def measure_from_gap(self, cycle_id: int, gap: Gap, responsible: str, user: str = "") -> Measure:
        """One click from a gap of the self-evaluation to a planned measure for that requirement."""
        return self.add_measure(
            cycle_id,
            user,
            title=_("{id} {title}: Lücke schließen").format(id=gap.requirement_id, title=gap.title)[:200],
            description=_("Aus der Selbstbewertung: {reason}.").format(reason=gap.reason),
            requirement_ids=(gap.requirement_id,),
            responsible=responsible,
        )

    # ------------------------------------------------------------------ sign-off of the plan

    def sign_off_plan(self, cycle_id: int, name: str, signed_on: Any, note: str = "") -> SignOff:
        """Record the management's sign-off of the cycle's plan (earlier sign-offs stay as history)."""
        self.get_cycle(cycle_id)
        columns = _plan_columns(check_signoff(name, signed_on, note))
        with self._tx() as conn:
            new_id = _new_id(
                conn.execute(insert(schema.plan_signoffs).values(cycle_id=cycle_id, recorded_at=now_iso(), **columns))
            )
        return next(s for s in self.signoffs(cycle_id) if s.id == new_id)

    def signoffs(self, cycle_id: int) -> list[SignOff]:
        """Sign-offs of the plan, the latest first."""
        table = schema.plan_signoffs
        with self._tx() as conn:
            rows = conn.execute(
                select(table)
                .where(table.c.cycle_id == cycle_id)
                .order_by(table.c.recorded_at.desc(), table.c.id.desc())
            ).all()
        return [SignOff(r.id, r.cycle_id, r.name, date.fromisoformat(r.signed_on), r.note, r.recorded_at) for r in rows]

    def plan_changed_since(self, cycle_id: int, stamp: str) -> int:
        """How many goals and measures of the cycle were changed after ``stamp`` (e.g. the last sign-off)."""
        with self._tx() as conn:
            return sum(
                conn.execute(
                    select(func.count()).select_from(t).where(t.c.cycle_id == cycle_id, t.c.changed_at > stamp)
                ).scalar_one()
                for t in (schema.goals, schema.measures)
            )

    # ------------------------------------------------------------------ PDCA review of measures

    def measure_review(self, measure_id: int) -> MeasureReview:
        table = schema.measure_reviews
        with self._tx() as conn:
            row = conn.execute(select(table).where(table.c.measure_id == measure_id)).first()
        return _row_review(row) if row is not None else MeasureReview(measure_id)

    def measure_reviews(self, cycle_id: int) -> dict[int, MeasureReview]:
        """Reviews of the cycle's measures by measure id (measures without one are missing)."""
        table, m = schema.measure_reviews, schema.measures
        with self._tx() as conn:
            rows = conn.execute(
                select(table).join(m, m.c.id == table.c.measure_id).where(m.c.cycle_id == cycle_id)
            ).all()
        return {r.measure_id: _row_review(r) for r in rows}

    def set_review_field(self, measure_id: int, field: str, value: Any, user: str = "") -> MeasureReview:
        """Store one field of a measure's Do/Check/Act, checked as a whole; the later save wins.

        "wirksam: ja" sets the measure's status to *wirksam*, "verwerfen" to *verworfen*, in the same transaction.
        """
        if field not in REVIEW_FIELDS:
            raise InputError(_("Unbekanntes Feld."), field)
        measure = self.measure(measure_id)
        current = self.measure_review(measure_id)
        values = {k: getattr(current, k) for k in REVIEW_FIELDS}
        values[field] = value
        columns = _plan_columns(check_review(values))
        stamp = now_iso()
        table, mt = schema.measure_reviews, schema.measures
        with self._tx() as conn:
            changed = {field: columns[field], "changed_by": user, "changed_at": stamp}
            done = conn.execute(
                update(table).where(table.c.measure_id == measure_id).values(revision=table.c.revision + 1, **changed)
            ).rowcount
            if not done:
                conn.execute(insert(table).values(measure_id=measure_id, revision=1, **changed))
            status = None
            if field == "effective" and columns[field] == Effectiveness.JA:
                status = MeasureStatus.WIRKSAM
            elif field == "act" and columns[field] == ActDecision.VERWERFEN:
                status = MeasureStatus.VERWORFEN
            if status is not None and status != measure.status:
                conn.execute(
                    update(mt)
                    .where(mt.c.id == measure_id)
                    .values(status=str(status), changed_by=user, changed_at=stamp, revision=mt.c.revision + 1)
                )
        return self.measure_review(measure_id)

    # ------------------------------------------------------------------ PDCA-phase scores (CAF style)

    def pdca_scores(self, cycle_id: int) -> dict[str, PdcaScore]:
        table = schema.pdca_scores
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        return {
            r.target_id: PdcaScore(
                r.cycle_id,
                r.target_id,
                r.level,
                r.plan_score,
                r.do_score,
                r.check_score,
                r.act_score,
                r.changed_by,
                r.changed_at,
            )
            for r in rows
        }

    def set_pdca_score(self, cycle_id: int, target_id: str, field: str, value: Any, user: str = "") -> PdcaScore:
        """Store one score 0–100 (``level`` or a phase) of an area or requirement."""
        number = check_score(field, value)
        column = field if field == "level" else f"{field}_score"
        table = schema.pdca_scores
        values = {column: number, "changed_by": user, "changed_at": now_iso()}
        with self._tx() as conn:
            _upsert(conn, table, {"cycle_id": cycle_id, "target_id": target_id}, values)
        return self.pdca_scores(cycle_id)[target_id]

    # ------------------------------------------------------------------ management reviews

    def add_management_review(self, cycle_id: int, user: str = "", **values: Any) -> ManagementReview:
        self.get_cycle(cycle_id)
        columns = _plan_columns(check_management_review(values))
        with self._tx() as conn:
            new_id = _new_id(
                conn.execute(
                    insert(schema.management_reviews).values(
                        cycle_id=cycle_id, changed_by=user, changed_at=now_iso(), **columns
                    )
                )
            )
        return self.management_review(new_id)

    def management_review(self, review_id: int) -> ManagementReview:
        table = schema.management_reviews
        return _row_management_review(
            self._one(select(table).where(table.c.id == review_id), _("Diese Managementbewertung gibt es nicht mehr."))
        )

    def management_reviews(self, cycle_id: int) -> list[ManagementReview]:
        """The cycle's management reviews, the latest date first (undated ones first of all)."""
        table = schema.management_reviews
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        found = [_row_management_review(r) for r in rows]
        return sorted(found, key=lambda r: (r.held_on is not None, r.held_on or date.min, r.id), reverse=True)

    def update_management_review(self, review_id: int, field: str, value: Any, user: str = "") -> ManagementReview:
        current = self.management_review(review_id)
        self._change_field(schema.management_reviews, current, MGMT_FIELDS, field, value, check_management_review, user)
        return self.management_review(review_id)

    def delete_management_review(self, review_id: int) -> None:
        with self._tx() as conn:
            conn.execute(delete(schema.management_reviews).where(schema.management_reviews.c.id == review_id))

    # ------------------------------------------------------------------ from cycle to cycle

    def start_next_cycle(self, previous_id: int, name: str, catalog: Catalog, user: str = "") -> Cycle:
        """A new cycle with the previous one's answers, evidence, goals and open measures as a baseline.

        Copied answers are marked "to confirm" until someone confirms or changes them. Measures still open,
        and those whose review said "in den nächsten Zyklus übernehmen", are carried over (not discarded
        ones). The certificate and the deadlines' done dates go along (the certificate stays valid); the
        procedure steps start empty. Nothing of the previous cycle changes. All in one transaction.
        """
        previous = self.get_cycle(previous_id)
        if previous.catalog_id != catalog.id:
            raise InputError(_("Der neue Zyklus muss mit demselben Qualitätsmodell arbeiten."), "catalog")
        name = name.strip()
        if not name:
            raise InputError(_("Bitte einen Namen für den neuen Zyklus eingeben."), "name")
        known = [r.id for r in catalog.requirements()]
        old_answers = self.assessments(previous_id)
        old_goals = self.goals(previous_id)
        reviews = self.measure_reviews(previous_id)
        carried = [
            m
            for m in self.measures(previous_id)
            if m.status != MeasureStatus.VERWORFEN
            and (m.status in OPEN_STATUSES or (reviews.get(m.id) and reviews[m.id].act == ActDecision.UEBERTRAGEN))
        ]
        stamp = now_iso()
        try:
            with self._tx() as conn:
                cycle_id = _new_id(
                    conn.execute(
                        insert(schema.cycles).values(
                            institution_id=previous.institution_id,
                            name=name,
                            catalog_id=catalog.id,
                            catalog_version=catalog.version,
                            requirement_ids=json.dumps(known),
                            created_at=stamp,
                            updated_at=stamp,
                        )
                    )
                )
                conn.execute(
                    insert(schema.cycle_origins).values(
                        cycle_id=cycle_id, previous_cycle_id=previous_id, created_by=user, created_at=stamp
                    )
                )
                for req_id in known:
                    a = old_answers.get(req_id)
                    if a is None:
                        continue
                    conn.execute(
                        insert(schema.assessments).values(
                            cycle_id=cycle_id,
                            requirement_id=req_id,
                            rating=a.rating,
                            implementation=a.implementation,
                            responsible=a.responsible,
                            changed_by=user,
                            changed_at=stamp,
                            revision=1,
                        )
                    )
                    for ev in a.evidence:  # the same register documents serve the new cycle
                        conn.execute(
                            insert(schema.evidence_links).values(
                                cycle_id=cycle_id,
                                requirement_id=req_id,
                                document_id=ev.document.id,
                                position=ev.position,
                                linked_by=user,
                                linked_at=stamp,
                            )
                        )
                    conn.execute(insert(schema.baseline_marks).values(cycle_id=cycle_id, requirement_id=req_id))
                goal_map: dict[int, int] = {}
                for g in old_goals:
                    values = _plan_columns(check_goal({k: getattr(g, k) for k in _GOAL_FIELDS}))
                    goal_map[g.id] = _new_id(
                        conn.execute(
                            insert(schema.goals).values(cycle_id=cycle_id, changed_by=user, changed_at=stamp, **values)
                        )
                    )
                for m in carried:
                    values = _plan_columns(check_measure({k: getattr(m, k) for k in _MEASURE_FIELDS}))
                    values["goal_id"] = goal_map.get(m.goal_id) if m.goal_id else None
                    if m.status not in OPEN_STATUSES:
                        values["status"] = str(MeasureStatus.GEPLANT)
                    new_id = _new_id(
                        conn.execute(
                            insert(schema.measures).values(
                                cycle_id=cycle_id, changed_by=user, changed_at=stamp, **values
                            )
                        )
                    )
                    conn.execute(insert(schema.measure_origins).values(measure_id=new_id, from_measure_id=m.id))
                self._copy_certificate(conn, previous_id, cycle_id, user, stamp)
        except IntegrityError:
            raise InputError(
                _("Einen Zyklus „{name}“ gibt es für diese Einrichtung schon.").format(name=name), "name"
            ) from None
        return self.get_cycle(cycle_id)

    @staticmethod
    def _copy_certificate(conn: Connection, previous_id: int, cycle_id: int, user: str, stamp: str) -> None:
        cert, dates = schema.certifications, schema.timeline_dates
        for row in conn.execute(select(cert).where(cert.c.cycle_id == previous_id)).all():
            conn.execute(
                insert(cert).values(
                    cycle_id=cycle_id,
                    certified_on=row.certified_on,
                    valid_until=row.valid_until,
                    changed_by=user,
                    changed_at=stamp,
                )
            )
        query = select(dates).where((dates.c.cycle_id == previous_id) & dates.c.item_key.startswith("frist:"))
        for row in conn.execute(query).all():
            conn.execute(
                insert(dates).values(
                    cycle_id=cycle_id,
                    item_key=row.item_key,
                    planned=row.planned,
                    done=row.done,
                    changed_by=user,
                    changed_at=stamp,
                )
            )

    # ------------------------------------------------------------------ certification timeline

    def certification(self, cycle_id: int) -> Certification:
        """The cycle's certificate dates (empty ones when nothing is entered yet)."""
        table = schema.certifications
        with self._tx() as conn:
            return _row_certification(cycle_id, conn.execute(select(table).where(table.c.cycle_id == cycle_id)).first())

    def set_certification(self, cycle_id: int, field: str, value: Any, user: str = "") -> Certification:
        """Store the certificate's date or end of validity; checked against the other field in the transaction."""
        self.get_cycle(cycle_id)
        table = schema.certifications
        with self._tx() as conn:
            current = _row_certification(
                cycle_id, conn.execute(select(table).where(table.c.cycle_id == cycle_id)).first()
            )
            day = check_certification(current, field, value)
            values = {field: _iso(day), "changed_by": user, "changed_at": now_iso()}
            _upsert(conn, table, {"cycle_id": cycle_id}, values)
        return self.certification(cycle_id)

    def timeline_dates(self, cycle_id: int) -> dict[str, ItemDates]:
        table = schema.timeline_dates
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        return {
            r.item_key: ItemDates(r.item_key, _day(r.planned), _day(r.done), r.changed_by, r.changed_at) for r in rows
        }

    def set_timeline_date(
        self, cycle_id: int, key: str, field: str, value: Any, user: str = "", today: date | None = None
    ) -> ItemDates:
        """Store the planned or done date of a procedure step or deadline (one transaction)."""
        day = check_item_date(key, field, value, today or date.today())
        self.get_cycle(cycle_id)
        table = schema.timeline_dates
        values = {field: _iso(day), "changed_by": user, "changed_at": now_iso()}
        with self._tx() as conn:
            _upsert(conn, table, {"cycle_id": cycle_id, "item_key": key}, values)
        return self.timeline_dates(cycle_id)[key]

    def plan_timeline(self, cycle_id: int, planned: dict[str, date], user: str = "") -> list[str]:
        """Set planned dates of steps that have none yet (a suggested schedule); returns the keys it set."""
        self.get_cycle(cycle_id)
        for key in planned:
            check_item_date(key, "planned", planned[key], date.max)
        table = schema.timeline_dates
        stamp, set_keys = now_iso(), []
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
            have = {r.item_key: r for r in rows}
            for key, day in planned.items():
                if key in have and have[key].planned:
                    continue
                values = {"planned": _iso(day), "changed_by": user, "changed_at": stamp}
                _upsert(conn, table, {"cycle_id": cycle_id, "item_key": key}, values)
                set_keys.append(key)
        return set_keys

    # ------------------------------------------------------------------ feedback report

    def feedback_head(self, cycle_id: int) -> ReportHead:
        """When the feedback report arrived and who wrote it (empty until entered)."""
        table = schema.feedback_reports
        with self._tx() as conn:
            row = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).first()
        if row is None:
            return ReportHead(cycle_id)
        return ReportHead(cycle_id, _day(row.received_on), row.assessors, row.changed_by, row.changed_at)

    def set_feedback_head(self, cycle_id: int, field: str, value: Any, user: str = "") -> ReportHead:
        clean = check_head(field, value)
        self.get_cycle(cycle_id)
        stored = _iso(clean) if field == "received_on" else clean
        with self._tx() as conn:
            _upsert(
                conn,
                schema.feedback_reports,
                {"cycle_id": cycle_id},
                {field: stored, "changed_by": user, "changed_at": now_iso()},
            )
        return self.feedback_head(cycle_id)

    def findings(self, cycle_id: int) -> dict[str, Finding]:
        """The assessors' findings of a cycle by requirement id."""
        table = schema.feedback_findings
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.cycle_id == cycle_id)).all()
        return {r.requirement_id: _row_finding(r) for r in rows}

    def save_finding(
        self,
        cycle_id: int,
        requirement_id: str,
        changes: dict[str, Any],
        user: str = "",
        source: str = "",
        revision: int | None = None,
    ) -> Finding:
        """Change kind, text and/or due date of a finding in one transaction; the whole finding is checked.

        A kind without a deadline drops the due date. With ``revision`` the change is refused when the finding
        changed since it was read (an import never overwrites what someone typed meanwhile).
        """
        self.get_cycle(cycle_id)
        table = schema.feedback_findings
        where = and_(table.c.cycle_id == cycle_id, table.c.requirement_id == requirement_id)
        with self._tx() as conn:
            row = conn.execute(select(table).where(where)).first()
            current = _row_finding(row) if row is not None else Finding(cycle_id, requirement_id)
            if revision is not None and current.revision != revision:
                raise InputError(_("inzwischen in der App geändert"), "revision")
            values = {"kind": current.kind, "text": current.text, "due": current.due, **changes}
            if "kind" in changes and check_kind(values["kind"]) not in NEEDS_MEASURE:
                values["due"] = None
            clean = check_finding(values)
            columns = {
                "kind": clean["kind"].value if clean["kind"] else None,
                "text": clean["text"],
                "due": _iso(clean["due"]),
                "source": source or current.source,
                "changed_by": user,
                "changed_at": now_iso(),
                "revision": current.revision + 1,
            }
            _upsert(conn, table, {"cycle_id": cycle_id, "requirement_id": requirement_id}, columns)
            return _row_finding(conn.execute(select(table).where(where)).one())

    def measure_from_finding(
        self, cycle_id: int, requirement_id: str, title: str, responsible: str, user: str = ""
    ) -> Measure:
        """Plan a measure for a finding and link the two in one transaction; refused when one is linked already
        (two people clicking at once get one measure), unless that one was discarded."""
        self.get_cycle(cycle_id)
        table, m = schema.feedback_findings, schema.measures
        where = and_(table.c.cycle_id == cycle_id, table.c.requirement_id == requirement_id)
        with self._tx() as conn:
            row = conn.execute(select(table).where(where)).first()
            if row is None:
                raise InputError(_("Zu dieser Anforderung gibt es noch keine Rückmeldung."), "kind")
            finding = _row_finding(row)
            if finding.measure_id is not None:
                linked = conn.execute(select(m.c.title, m.c.status).where(m.c.id == finding.measure_id)).first()
                if linked is not None and linked.status != MeasureStatus.VERWORFEN.value:
                    raise InputError(
                        _("Zu dieser Rückmeldung gibt es schon die Maßnahme „{title}“.").format(title=linked.title),
                        "measure",
                    )
            clean = check_measure(measure_values(finding, title, responsible))
            new_id = self._insert_measure(conn, cycle_id, user, clean)
            conn.execute(update(table).where(where).values(measure_id=new_id, revision=table.c.revision + 1))
        return self.measure(new_id)

    def previous_cycle_id(self, cycle_id: int) -> int | None:
        table = schema.cycle_origins
        with self._tx() as conn:
            return conn.execute(
                select(table.c.previous_cycle_id).where(table.c.cycle_id == cycle_id)
            ).scalar_one_or_none()

    def to_confirm(self, cycle_id: int) -> set[str]:
        """Requirements whose answers were copied from the previous cycle and not yet confirmed or changed."""
        table = schema.baseline_marks
        with self._tx() as conn:
            return set(conn.execute(select(table.c.requirement_id).where(table.c.cycle_id == cycle_id)).scalars())

    def confirm_baseline(self, cycle_id: int, requirement_id: str, user: str = "") -> Assessment:
        """The copied answer is still true: remove the mark (and record who confirmed when)."""
        with self._tx() as conn:
            self._bump(conn, cycle_id, requirement_id, {"changed_by": user, "changed_at": now_iso()})
        return self.assessment(cycle_id, requirement_id)

    def measure_origins(self, cycle_id: int) -> dict[int, int]:
        """Carried-over measures of the cycle: new measure id → the previous cycle's measure id."""
        table, m = schema.measure_origins, schema.measures
        with self._tx() as conn:
            rows = conn.execute(
                select(table.c.measure_id, table.c.from_measure_id)
                .join(m, m.c.id == table.c.measure_id)
                .where(m.c.cycle_id == cycle_id)
            ).all()
        return {r.measure_id: r.from_measure_id for r in rows}

    def plan_data(self, cycle_id: int) -> PlanData:
        """Goals, measures, reviews, sign-offs, management reviews and PDCA scores of a cycle."""
        return PlanData(
            goals=tuple(self.goals(cycle_id)),
            measures=tuple(self.measures(cycle_id)),
            reviews=self.measure_reviews(cycle_id),
            signoffs=tuple(self.signoffs(cycle_id)),
            management_reviews=tuple(self.management_reviews(cycle_id)),
            pdca_scores=self.pdca_scores(cycle_id),
            carried_from=self.measure_origins(cycle_id),
        )

    # ------------------------------------------------------------------ workshops

    def create_workshop(self, cycle_id: int, catalog: Catalog, **values: Any) -> Workshop:
        """A workshop on selected requirements with fresh random tokens and a short join code."""
        cycle = self.get_cycle(cycle_id)
        if cycle.catalog_id != catalog.id:
            raise InputError(_("Der Workshop muss mit dem Qualitätsmodell des Zyklus arbeiten."), "catalog")
        clean = check_workshop(values, catalog)
        for _attempt in range(5):  # a join code may collide with another workshop's; draw again
            try:
                with self._tx() as conn:
                    new_id = _new_id(
                        conn.execute(
                            insert(schema.workshops).values(
                                cycle_id=cycle_id,
                                title=clean["title"],
                                held_on=clean["held_on"].isoformat(),
                                requirement_ids=json.dumps(list(clean["requirement_ids"])),
                                token=new_token(),
                                facilitator_token=new_token(),
                                join_code=new_join_code(),
                                named=clean["named"],
                                threshold=clean["threshold"],
                                created_at=now_iso(),
                            )
                        )
                    )
                return self.workshop(new_id)
            except IntegrityError:
                continue
        raise StoreError(_("Es konnte kein eindeutiger Beitrittscode erzeugt werden. Bitte erneut versuchen."))

    def _workshop_row(self, where: Any, missing: str) -> Workshop:
        row = self._one(select(schema.workshops).where(where), missing)
        return Workshop(
            id=row.id,
            cycle_id=row.cycle_id,
            title=row.title,
            held_on=date.fromisoformat(row.held_on),
            requirement_ids=tuple(json.loads(row.requirement_ids)),
            token=row.token,
            facilitator_token=row.facilitator_token,
            join_code=row.join_code,
            named=bool(row.named),
            threshold=row.threshold,
            created_at=row.created_at,
        )

    def workshop(self, workshop_id: int) -> Workshop:
        return self._workshop_row(schema.workshops.c.id == workshop_id, _("Diesen Workshop gibt es nicht."))

    def workshops(self, cycle_id: int) -> list[Workshop]:
        with self._tx() as conn:
            ids = (
                conn.execute(
                    select(schema.workshops.c.id)
                    .where(schema.workshops.c.cycle_id == cycle_id)
                    .order_by(schema.workshops.c.id)
                )
                .scalars()
                .all()
            )
        return [self.workshop(i) for i in ids]

    def workshop_for_participant(self, token: Any) -> Workshop:
        """The workshop whose join link carries ``token``; any other value is refused with one message."""
        refused = _("Dieser Workshop-Link ist ungültig oder abgelaufen. Bitte den Link der Moderation verwenden.")
        if not isinstance(token, str) or not token or len(token) > 100:
            raise NotFoundError(refused)
        found = self._workshop_row(schema.workshops.c.token == token, refused)
        if not same_token(token, found.token):
            raise NotFoundError(refused)
        return found

    def workshop_for_facilitator(self, token: Any) -> Workshop:
        """The workshop whose facilitator link carries ``token`` (a participant's token is refused)."""
        refused = _("Dieser Moderationslink ist ungültig.")
        if not isinstance(token, str) or not token or len(token) > 100:
            raise NotFoundError(refused)
        found = self._workshop_row(schema.workshops.c.facilitator_token == token, refused)
        if not same_token(token, found.facilitator_token):
            raise NotFoundError(refused)
        return found

    def workshop_by_code(self, code: Any) -> Workshop:
        refused = _("Diesen Beitrittscode gibt es nicht. Bitte genau so eingeben, wie er angezeigt wird.")
        if not isinstance(code, str) or not 4 <= len(code.strip()) <= 12:
            raise NotFoundError(refused)
        return self._workshop_row(schema.workshops.c.join_code == code.strip().upper(), refused)

    def join_workshop(
        self, workshop: Workshop, display_name: str = "", role_group: str = "", key: str | None = None
    ) -> Participant:
        """Join (or, with the ``key`` of an earlier visit, continue). Names are kept only in named workshops."""
        table = schema.workshop_participants
        found = self.participant(workshop, key)
        if found is not None:
            return found
        name = clean_text(display_name, "display_name", limit=100, label="Name") if workshop.named else ""
        role = clean_text(role_group, "role_group", limit=100, label="Rollengruppe")
        # A key the browser brought (its cookie) is kept, so the same device continues after a reload.
        new_key = key if key is not None and valid_key(key) else new_token()
        for _attempt in range(3):
            try:
                with self._tx() as conn:
                    new_id = _new_id(
                        conn.execute(
                            insert(table).values(
                                workshop_id=workshop.id,
                                key=new_key,
                                display_name=name,
                                role_group=role,
                                joined_at=now_iso(),
                            )
                        )
                    )
                return Participant(new_id, workshop.id, new_key, name, role)
            except IntegrityError:
                again = self.participant(workshop, new_key)  # the same device joined twice at once
                if again is not None:
                    return again
                new_key = new_token()  # the key belongs to another workshop's participant
        raise StoreError(_("Die Teilnahme konnte nicht angelegt werden. Bitte die Seite neu laden."))

    def participant(self, workshop: Workshop, key: Any) -> Participant | None:
        """The participant of ``workshop`` with this key, or None (a key of another workshop is no match)."""
        if not valid_key(key):
            return None
        table = schema.workshop_participants
        with self._tx() as conn:
            row = conn.execute(select(table).where(table.c.key == key, table.c.workshop_id == workshop.id)).first()
        if row is None or not same_token(key, row.key):
            return None
        return Participant(row.id, row.workshop_id, row.key, row.display_name, row.role_group)

    def participants(self, workshop_id: int) -> list[Participant]:
        table = schema.workshop_participants
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.workshop_id == workshop_id).order_by(table.c.id)).all()
        return [Participant(r.id, r.workshop_id, r.key, r.display_name, r.role_group) for r in rows]

    def answers_of(self, participant: Participant) -> dict[str, WorkshopRating]:
        """What one participant has answered so far (to continue after reconnecting)."""
        table = schema.workshop_ratings
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.participant_id == participant.id)).all()
        return {
            r.requirement_id: WorkshopRating(
                participant.id, r.requirement_id, r.value, r.comment, participant.role_group
            )
            for r in rows
        }

    def rate_in_workshop(
        self, participant: Participant, catalog: Catalog, requirement_id: str, value: Any, comment: Any = ""
    ) -> WorkshopRating:
        """Store one participant's answer at once (the later answer of the same person replaces it)."""
        workshop = self.workshop(participant.workshop_id)
        if requirement_id not in workshop.requirement_ids:
            raise InputError(_("Diese Anforderung gehört nicht zum Workshop."), "requirement_id")
        clean_value, clean_comment = check_answer(catalog, requirement_id, value, comment)
        table = schema.workshop_ratings
        values = {"value": clean_value, "comment": clean_comment, "changed_at": now_iso()}
        with self._tx() as conn:
            key = (table.c.participant_id == participant.id) & (table.c.requirement_id == requirement_id)
            if not conn.execute(update(table).where(key).values(**values)).rowcount:
                conn.execute(
                    insert(table).values(participant_id=participant.id, requirement_id=requirement_id, **values)
                )
        return WorkshopRating(participant.id, requirement_id, clean_value, clean_comment, participant.role_group)

    def workshop_ratings(self, workshop_id: int) -> list[WorkshopRating]:
        r, p = schema.workshop_ratings, schema.workshop_participants
        with self._tx() as conn:
            rows = conn.execute(
                select(r.c.participant_id, r.c.requirement_id, r.c.value, r.c.comment, p.c.role_group)
                .join(p, p.c.id == r.c.participant_id)
                .where(p.c.workshop_id == workshop_id)
                .order_by(r.c.participant_id, r.c.requirement_id)
            ).all()
        return [WorkshopRating(x.participant_id, x.requirement_id, x.value, x.comment, x.role_group) for x in rows]

    def set_dots(self, workshop: Workshop, catalog: Catalog, requirement_id: str, value: str, count: Any) -> None:
        """Facilitator-only mode: the number of dots on one scale value of one requirement."""
        if requirement_id not in workshop.requirement_ids:
            raise InputError(_("Diese Anforderung gehört nicht zum Workshop."), "requirement_id")
        check_answer(catalog, requirement_id, value, "")
        try:
            number = int(str(count).strip() or 0)
        except ValueError:
            raise InputError(_("Bitte die Zahl der Punkte als ganze Zahl eingeben."), "count") from None
        if not 0 <= number <= 500:
            raise InputError(_("Die Zahl der Punkte muss zwischen 0 und 500 liegen."), "count")
        table = schema.workshop_dots
        with self._tx() as conn:
            key = (
                (table.c.workshop_id == workshop.id)
                & (table.c.requirement_id == requirement_id)
                & (table.c.value == value)
            )
            if not conn.execute(update(table).where(key).values(dots=number)).rowcount:
                conn.execute(
                    insert(table).values(
                        workshop_id=workshop.id, requirement_id=requirement_id, value=value, dots=number
                    )
                )

    def dots(self, workshop_id: int) -> dict[str, dict[str, int]]:
        table = schema.workshop_dots
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.workshop_id == workshop_id)).all()
        found: dict[str, dict[str, int]] = {}
        for row in rows:
            found.setdefault(row.requirement_id, {})[row.value] = row.dots
        return found

    def record_consensus(
        self,
        workshop: Workshop,
        catalog: Catalog,
        requirement_id: str,
        rating: str,
        reason: Any = "",
        dissent: Any = "",
        user: str = "",
    ) -> Consensus:
        """Store the agreed rating and write it into the cycle's self-evaluation, naming the workshop as source."""
        if requirement_id not in workshop.requirement_ids:
            raise InputError(_("Diese Anforderung gehört nicht zum Workshop."), "requirement_id")
        value, _comment = check_answer(catalog, requirement_id, rating, "")
        if value == CANNOT_JUDGE:
            raise InputError(_("Als Konsens bitte einen Wert der Skala wählen."), "rating")
        clean_reason = clean_text(reason, "reason", limit=2000, label="Begründung", multiline=True)
        clean_dissent = clean_text(dissent, "dissent", limit=2000, label="Abweichende Meinungen", multiline=True)
        stamp = now_iso()
        table = schema.workshop_consensus
        values = {
            "rating": value,
            "reason": clean_reason,
            "dissent": clean_dissent,
            "decided_by": user,
            "decided_at": stamp,
        }
        with self._tx() as conn:
            key = (table.c.workshop_id == workshop.id) & (table.c.requirement_id == requirement_id)
            if not conn.execute(update(table).where(key).values(**values)).rowcount:
                conn.execute(insert(table).values(workshop_id=workshop.id, requirement_id=requirement_id, **values))
            self._bump(
                conn,
                workshop.cycle_id,
                requirement_id,
                {"rating": value, "changed_by": workshop.source, "changed_at": stamp},
            )
        return Consensus(workshop.id, requirement_id, value, clean_reason, clean_dissent, user, stamp)

    def workshop_result(self, workshop: Workshop, catalog: Catalog) -> WorkshopResult:
        """Everything the live view and the exports show of a workshop, read at one moment."""
        ratings = self.workshop_ratings(workshop.id)
        dots = self.dots(workshop.id)
        people = self.participants(workshop.id)
        stats = aggregate(catalog, workshop, ratings, dots)
        return WorkshopResult(
            workshop=workshop,
            participants=len(people),
            stats=tuple(stats),
            consensus=self.consensus(workshop.id),
            comments=comments_shown(workshop, stats, ratings, {p.id: p.display_name for p in people}),
            with_dots=any(n for counts in dots.values() for n in counts.values()),
        )

    def consensus(self, workshop_id: int) -> dict[str, Consensus]:
        table = schema.workshop_consensus
        with self._tx() as conn:
            rows = conn.execute(select(table).where(table.c.workshop_id == workshop_id)).all()
        return {
            r.requirement_id: Consensus(
                r.workshop_id, r.requirement_id, r.rating, r.reason, r.dissent, r.decided_by, r.decided_at
            )
            for r in rows
        }
