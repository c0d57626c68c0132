"""The one storage module: every read and write of qmkit goes through :class:`Store`.

SQLite by default (WAL, busy timeout, ``BEGIN IMMEDIATE`` so several Voilà kernels can write at once),
any SQLAlchemy URL through ``QMKIT_DB``. One short transaction per change; never held across user input.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from . import schema
from .catalog import Catalog
from .config import database_url
from .errors import InputError, NotFoundError, StoreError
from .i18n import _
from .migrations import migrate
from .model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution, now_iso
from .planning import Gap, Goal, GoalKind, Measure, MeasureStatus, check_goal, check_measure

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


def _row_evidence(row: Any) -> EvidenceRef:
    return EvidenceRef(
        id=row.id,
        cycle_id=row.cycle_id,
        requirement_id=row.requirement_id,
        title=row.title,
        version=row.version,
        location=row.location,
        on_site_only=bool(row.on_site_only),
        position=row.position,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


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


def _plan_columns(clean: dict[str, Any]) -> dict[str, Any]:
    """Checked goal/measure fields as table columns (dates as ISO text, requirement ids as JSON)."""
    columns = dict(clean)
    for key in ("start", "due", "target_date"):
        if key in columns:
            columns[key] = _iso(columns[key])
    if "requirement_ids" in columns:
        columns["requirement_ids"] = json.dumps(list(columns["requirement_ids"]))
    for key in ("kind", "status"):
        if key in columns:
            columns[key] = str(columns[key])
    return columns


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
            ev_rows = conn.execute(
                select(schema.evidence_refs)
                .where(schema.evidence_refs.c.cycle_id == cycle_id)
                .order_by(schema.evidence_refs.c.position, schema.evidence_refs.c.id)
            ).all()
        evidence: dict[str, list[EvidenceRef]] = {}
        for ev in ev_rows:
            evidence.setdefault(ev.requirement_id, []).append(_row_evidence(ev))
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
                select(schema.evidence_refs)
                .where(
                    schema.evidence_refs.c.cycle_id == cycle_id,
                    schema.evidence_refs.c.requirement_id == requirement_id,
                )
                .order_by(schema.evidence_refs.c.position, schema.evidence_refs.c.id)
            ).all()
        refs = tuple(_row_evidence(e) for e in ev_rows)
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

    # ------------------------------------------------------------------ evidence references

    def add_evidence(self, cycle_id: int, requirement_id: str, user: str = "", **fields: Any) -> EvidenceRef:
        stamp = now_iso()
        table = schema.evidence_refs
        with self._tx() as conn:
            pos = conn.execute(
                select(func.coalesce(func.max(table.c.position), -1)).where(
                    table.c.cycle_id == cycle_id, table.c.requirement_id == requirement_id
                )
            ).scalar_one()
            new_id = _new_id(
                conn.execute(
                    insert(table).values(
                        cycle_id=cycle_id,
                        requirement_id=requirement_id,
                        position=int(pos) + 1,
                        changed_at=stamp,
                        **fields,
                    )
                )
            )
            self._bump(conn, cycle_id, requirement_id, {"changed_by": user, "changed_at": stamp})
            row = conn.execute(select(table).where(table.c.id == new_id)).one()
        return _row_evidence(row)

    def update_evidence(self, evidence_id: int, field: str, value: Any, user: str = "") -> EvidenceRef:
        if field not in ("title", "version", "location", "on_site_only"):
            raise ValueError(f"unknown evidence field {field!r}")
        stamp = now_iso()
        table = schema.evidence_refs
        with self._tx() as conn:
            row = conn.execute(select(table).where(table.c.id == evidence_id)).first()
            if row is None:
                raise NotFoundError(_("Dieser Nachweis wurde inzwischen entfernt."))
            conn.execute(update(table).where(table.c.id == evidence_id).values(**{field: value, "changed_at": stamp}))
            self._bump(conn, row.cycle_id, row.requirement_id, {"changed_by": user, "changed_at": stamp})
            row = conn.execute(select(table).where(table.c.id == evidence_id)).one()
        return _row_evidence(row)

    def remove_evidence(self, evidence_id: int, user: str = "") -> None:
        stamp = now_iso()
        table = schema.evidence_refs
        with self._tx() as conn:
            row = conn.execute(select(table).where(table.c.id == evidence_id)).first()
            if row is None:
                return
            conn.execute(delete(table).where(table.c.id == evidence_id))
            self._bump(conn, row.cycle_id, row.requirement_id, {"changed_by": user, "changed_at": stamp})

    def evidence_for_cycle(self, cycle_id: int) -> Sequence[EvidenceRef]:
        table = schema.evidence_refs
        with self._tx() as conn:
            rows = conn.execute(
                select(table).where(table.c.cycle_id == cycle_id).order_by(table.c.requirement_id, table.c.position)
            ).all()
        return [_row_evidence(r) for r in rows]

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

    def update_goal(self, goal_id: int, field: str, value: Any, user: str = "") -> Goal:
        """Change one field; the whole goal is checked again, so a bad value never reaches the store."""
        current = self.goal(goal_id)
        values = {
            k: getattr(current, k)
            for k in (
                "title",
                "kind",
                "why",
                "indicator",
                "numeric",
                "baseline",
                "target",
                "target_date",
                "requirement_ids",
            )
        }
        if field not in values:
            raise InputError(_("Unbekanntes Feld."), field)
        values[field] = value
        columns = _plan_columns(check_goal(values))
        table = schema.goals
        with self._tx() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == goal_id)
                .values(changed_by=user, changed_at=now_iso(), revision=table.c.revision + 1, **{field: columns[field]})
            )
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
            self._check_goal_in_cycle(conn, cycle_id, clean["goal_id"])
            new_id = _new_id(
                conn.execute(
                    insert(schema.measures).values(
                        cycle_id=cycle_id, changed_by=user, changed_at=now_iso(), **_plan_columns(clean)
                    )
                )
            )
        return self.measure(new_id)

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
        values = {
            k: getattr(current, k)
            for k in (
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
        }
        if field not in values:
            raise InputError(_("Unbekanntes Feld."), field)
        values[field] = value
        clean = check_measure(values)
        table = schema.measures
        with self._tx() as conn:
            if field == "goal_id":
                self._check_goal_in_cycle(conn, current.cycle_id, clean["goal_id"])
            conn.execute(
                update(table)
                .where(table.c.id == measure_id)
                .values(
                    changed_by=user,
                    changed_at=now_iso(),
                    revision=table.c.revision + 1,
                    **{field: _plan_columns(clean)[field]},
                )
            )
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
