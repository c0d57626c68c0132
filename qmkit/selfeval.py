"""A self-evaluation of one cycle: checked changes to the store and the progress summary.

The UI and the CLI change assessments only through :class:`SelfEvaluation`, so every value is checked
(scale, length, control characters) before it reaches the store, with a German message when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from .catalog import Catalog, CatalogSet, Requirement, Scale
from .errors import InputError
from .evidence import check_document_field
from .feedback import Finding, ReportHead
from .i18n import _
from .model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
from .readiness import Readiness, check_readiness
from .review import PlanData
from .store import Store
from .text import clean_text as _clean
from .workshop import WorkshopResult

TEXT_LIMITS = {"implementation": 10_000, "responsible": 200}
FIELD_LABELS = {"rating": "Bewertung", "implementation": "Umsetzung", "responsible": "Verantwortlich"}


def clean_text(value: Any, field_name: str) -> str:
    """Text of an assessment field as it may be stored (see :func:`qmkit.text.clean_text`)."""
    return _clean(
        value,
        field_name,
        limit=TEXT_LIMITS[field_name],
        label=FIELD_LABELS[field_name],
        multiline=field_name == "implementation",
    )


@dataclass(frozen=True)
class AreaSummary:
    """Progress of one area: requirements in total, rated, and how many got each scale value."""

    area_id: str
    title: str
    total: int
    rated: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return 100.0 * self.rated / self.total if self.total else 0.0

    def met(self, scale: Scale) -> int:
        """How many requirements got a value that counts as met."""
        return sum(n for v, n in self.counts.items() if (s := scale.get(v)) is not None and s.met)

    def met_share(self, scale: Scale) -> float | None:
        """Percent of the rated, applicable requirements that are met (``None`` while none is rated)."""
        applicable = sum(n for v, n in self.counts.items() if (s := scale.get(v)) is not None and not s.not_applicable)
        return 100.0 * self.met(scale) / applicable if applicable else None


@dataclass(frozen=True)
class Summary:
    """Progress of a whole cycle, per area and overall."""

    areas: tuple[AreaSummary, ...]

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def rated(self) -> int:
        return sum(a.rated for a in self.areas)

    @property
    def percent(self) -> float:
        return 100.0 * self.rated / self.total if self.total else 0.0

    def progress_text(self) -> str:
        """'11 von 16 Anforderungen bewertet (69 %)' – the same words on every page and in the export."""
        return _("{rated} von {total} Anforderungen bewertet ({pct:.0f} %)").format(
            rated=self.rated, total=self.total, pct=self.percent
        )


def summarize(catalog: Catalog, assessments: dict[str, Assessment]) -> Summary:
    """Count rated requirements and scale values per area (ratings outside the scale are not counted)."""
    areas = []
    for area in catalog.areas:
        reqs = area.all_requirements()
        counts = {v.value: 0 for v in catalog.scale.values}
        rated = 0
        for req in reqs:
            rating = assessments.get(req.id, Assessment(0, req.id)).rating
            if rating in counts:
                counts[rating] += 1
                rated += 1
        areas.append(AreaSummary(area.id, area.title, len(reqs), rated, counts))
    return Summary(tuple(areas))


@dataclass(frozen=True)
class ChecklistData:
    """Everything an export needs about one cycle, read from the store at one moment."""

    catalog: Catalog
    institution: Institution
    cycle: Cycle
    assessments: dict[str, Assessment]
    drift: CatalogDrift
    plan: PlanData = field(default_factory=PlanData)
    to_confirm: frozenset[str] = frozenset()
    workshops: tuple[WorkshopResult, ...] = ()
    as_of: date = field(default_factory=date.today)
    findings: dict[str, Finding] = field(default_factory=dict)
    feedback_head: ReportHead | None = None

    def assessment(self, req_id: str) -> Assessment:
        return self.assessments.get(req_id, Assessment(self.cycle.id, req_id))

    @cached_property
    def readiness(self) -> Readiness:
        """The readiness check of this cycle as of ``as_of``."""
        return check_readiness(self.catalog, self.cycle, self.assessments, self.as_of)

    @property
    def summary(self) -> Summary:
        return summarize(self.catalog, self.assessments)


class SelfEvaluation:
    """Checked changes to the assessments of one cycle; each change is one store transaction."""

    def __init__(self, store: Store, cycle: Cycle, catalog: Catalog):
        self.store = store
        self.cycle = cycle
        self.catalog = catalog
        self._requirements = {r.id: r for r in catalog.requirements()}

    @classmethod
    def open(cls, store: Store, cycle_id: int, catalogs: CatalogSet) -> SelfEvaluation:
        cycle = store.get_cycle(cycle_id)
        return cls(store, cycle, catalogs.get(cycle.catalog_id))

    @property
    def institution(self) -> Institution:
        return self.store.get_institution(self.cycle.institution_id)

    def requirement(self, req_id: str) -> Requirement:
        try:
            return self._requirements[req_id]
        except KeyError:
            raise InputError(
                _("Anforderung „{id}“ gibt es im Katalog nicht.").format(id=req_id), "requirement"
            ) from None

    def assessments(self) -> dict[str, Assessment]:
        return self.store.assessments(self.cycle.id)

    def assessment(self, req_id: str) -> Assessment:
        return self.store.assessment(self.cycle.id, req_id)

    def summary(self) -> Summary:
        return summarize(self.catalog, self.assessments())

    def drift(self) -> CatalogDrift:
        return self.store.catalog_drift(self.cycle, self.catalog)

    def to_confirm(self) -> set[str]:
        """Requirements whose answers were copied from the previous cycle and are not confirmed yet."""
        return self.store.to_confirm(self.cycle.id)

    def confirm(self, req_id: str, user: str = "") -> Assessment:
        """The copied answer still holds: drop its 'to confirm' mark."""
        self.requirement(req_id)
        return self.store.confirm_baseline(self.cycle.id, req_id, user)

    def checklist_data(self) -> ChecklistData:
        return ChecklistData(
            self.catalog,
            self.institution,
            self.cycle,
            self.assessments(),
            self.drift(),
            self.store.plan_data(self.cycle.id),
            frozenset(self.to_confirm()),
            tuple(self.store.workshop_result(ws, self.catalog) for ws in self.store.workshops(self.cycle.id)),
            findings=self.store.findings(self.cycle.id),
            feedback_head=self.store.feedback_head(self.cycle.id),
        )

    # ---------------------------------------------------------------- changes

    def rate(self, req_id: str, value: str | None, user: str = "") -> Assessment:
        """Set (or with ``None`` clear) the rating; only values of the requirement's scale are accepted."""
        req = self.requirement(req_id)
        if value is not None:
            allowed = {v.value: v for v in self.catalog.scale_for(req)}
            if value not in allowed:
                labels = ", ".join(v.label for v in allowed.values())
                raise InputError(
                    _("„{value}“ ist keine Bewertung dieser Skala. Erlaubt: {labels}.").format(
                        value=str(value)[:40], labels=labels
                    ),
                    "rating",
                )
        return self.store.set_assessment_field(self.cycle.id, req.id, "rating", value, clean_text(user, "responsible"))

    def set_text(self, req_id: str, field_name: str, value: Any, user: str = "") -> Assessment:
        """Set the implementation text or the responsible person."""
        if field_name not in ("implementation", "responsible"):
            raise InputError(_("Unbekanntes Feld."), field_name)
        req = self.requirement(req_id)
        text = clean_text(value, field_name)
        return self.store.set_assessment_field(self.cycle.id, req.id, field_name, text, clean_text(user, "responsible"))

    def add_evidence(self, req_id: str, user: str = "", **values: Any) -> EvidenceRef:
        """A document for a requirement: the register's entry of the same title when there is one, else a new one."""
        req = self.requirement(req_id)
        fields = {k: self._evidence_value(k, v) for k, v in values.items()}
        title = str(fields.get("title", "")).casefold()
        if title and set(fields) == {"title"}:
            same = [d for d in self.store.documents(self.cycle.institution_id) if d.title.casefold() == title]
            if same:
                return self.link_document(req.id, same[0].id, user)
        return self.store.add_evidence(self.cycle.id, req.id, clean_text(user, "responsible"), **fields)

    def link_document(self, req_id: str, document_id: int, user: str = "") -> EvidenceRef:
        """Let a register document serve ``req_id`` in this cycle."""
        req = self.requirement(req_id)
        return self.store.link_document(self.cycle.id, req.id, int(document_id), clean_text(user, "responsible"))

    def update_evidence(self, evidence: EvidenceRef, field_name: str, value: Any, user: str = "") -> EvidenceRef:
        """Change the document behind ``evidence``: every requirement using it sees the change."""
        if evidence.cycle_id != self.cycle.id:
            raise InputError(_("Dieser Nachweis gehört zu einem anderen Zyklus."), field_name)
        return self.store.update_evidence(
            evidence.id, field_name, self._evidence_value(field_name, value), clean_text(user, "responsible")
        )

    def remove_evidence(self, evidence: EvidenceRef, user: str = "") -> None:
        """The requirement no longer uses the document; the document stays in the register."""
        if evidence.cycle_id != self.cycle.id:
            raise InputError(_("Dieser Nachweis gehört zu einem anderen Zyklus."), "evidence")
        self.store.remove_evidence(evidence.id, clean_text(user, "responsible"))

    @staticmethod
    def _evidence_value(field_name: str, value: Any) -> Any:
        """An evidence field edited at a requirement: the register's own check of that field."""
        if field_name not in ("title", "version", "location", "on_site_only"):
            raise InputError(_("Unbekanntes Feld."), field_name)
        return check_document_field(field_name, value)


class CycleWork:
    """Checked work on one cycle beside its self-evaluation (timeline, feedback report), with a "today" that
    tests can fix."""

    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        self.evaluation = evaluation
        self.store, self.cycle, self.catalog = evaluation.store, evaluation.cycle, evaluation.catalog
        self.fixed_today = today

    @property
    def today(self) -> date:
        return self.fixed_today or date.today()
